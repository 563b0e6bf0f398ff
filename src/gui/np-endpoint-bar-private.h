/* np-endpoint-bar-private.h: the instance of NpEndpointBar, shared by np-endpoint-bar.c (the
 * fields, each mode's own values, the selectors) and np-endpoint-bar-check.c (what the fields
 * mean: a config, or the problem with them, shown once it is the user's). Names with a
 * leading underscore are theirs. */
#pragma once

#include "np-endpoint-bar.h"

G_BEGIN_DECLS

/* One row per mode, in the order the selector lists them: a new mode is a new row (and its
 * NpMode), not new branches through the code. */
typedef struct
{
  NpMode      mode;
  const char *name;                 /* in the selector */
  gboolean    connects;             /* the address is the host to connect to, not a local one */
  gboolean    has_destination;      /* a default HOST:PORT to send to */
  gboolean    empty_port_is_any;
  const char *port_problem;         /* what a bad port is told */
  gboolean    has_url;              /* a URL says where to go, instead of address and port */
  gboolean    has_method;           /* an HTTP method to choose */
  gboolean    has_options;          /* the options popover (TCP, UDP, web) */
  gboolean    framed;               /* the log's framing applies (TCP) */
} ModeInfo;

#define N_MODES 9

/* What a mode remembers of its fields while another mode is chosen. */
typedef struct
{
  char *address;
  char *port;
  char *destination;
  char *url;
} ModeFields;

struct _NpEndpointBar
{
  GtkWidget    parent_instance;

  GtkWidget   *box;
  GtkDropDown *mode_dropdown;
  GtkEntry    *address_entry;
  GtkEntry    *port_entry;
  GtkEntry    *destination_entry;
  GtkEntry    *url_entry;
  GtkDropDown *method_dropdown;
  NpWebOptions *web_options;
  NpTcpOptions *tcp_options;
  NpUdpOptions *udp_options;
  GtkButton   *start_button;
  GtkStack    *start_stack;   /* the button's words, Start and Stop: as wide as the wider */
  GtkMenuButton *options_button;
  GtkLabel    *options_running_label;  /* "Stop to change the options", shown while running */

  NpMode       mode;        /* the selected one; kept here for bindings made during init */
  guint        mode_index;  /* its row in the table */
  ModeFields   fields[N_MODES];
  char        *framing;     /* spec for np_framer_new_from_string () */
  gboolean     running;

  /* Problems are shown once they are the user's: a field typed in since the mode was chosen,
   * or Start pressed. */
  gboolean     filling;     /* the fields are being set by code, not typed in */
  GHashTable  *typed;       /* GtkEntry* the user typed in */
  gboolean     start_tried;
  char        *validation;  /* what is wrong with the fields, or NULL */
  char        *problem;     /* the part of it shown, or NULL */
  GtkEntry    *problem_entry;
};

const ModeInfo *_np_endpoint_bar_mode_info        (NpMode         mode);
void            _np_endpoint_bar_validate         (NpEndpointBar *self);
void            _np_endpoint_bar_init_problems    (NpEndpointBar *self);
char           *_np_endpoint_bar_entry_text       (GtkEntry      *entry);

G_END_DECLS
