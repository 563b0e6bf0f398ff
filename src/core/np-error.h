/* np-error.h: the NP_ERROR domain for errors a user can act on */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NP_ERROR (np_error_quark ())

typedef enum
{
  NP_ERROR_INVALID_ARGUMENT,  /* a value given by the user is out of range or malformed */
  NP_ERROR_PROTOCOL,          /* a peer sent something the chosen framing cannot accept */
  NP_ERROR_FAILED,            /* a runtime failure; the message carries the system's reason */
} NpError;

GQuark np_error_quark (void);

G_END_DECLS
