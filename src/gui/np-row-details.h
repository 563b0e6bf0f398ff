/* np-row-details.h: one log row in full: an HTTP request's line, headers and bodies (and the
 * response's), or a message: its text, its hex dump, and the picture it is */
#pragma once

#include <adwaita.h>

#include "np-codec.h"
#include "np-log-row.h"
#include "np-picture-loader.h"

G_BEGIN_DECLS

#define NP_TYPE_ROW_DETAILS (np_row_details_get_type ())

G_DECLARE_FINAL_TYPE (NpRowDetails, np_row_details, NP, ROW_DETAILS, AdwWindow)

NpRowDetails *np_row_details_new (GtkWindow       *parent,
                                  NpLogRow        *row,
                                  NpEncoding       encoding,
                                  NpFormat         display,
                                  NpPictureLoader *pictures);

G_END_DECLS
