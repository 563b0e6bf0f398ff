/* np-log-view-private.h: the instance of NpLogView, shared by np-log-view.c (the widget: cells,
 * filter, selectors) and np-log-view-flow.c (how rows flow in: when they are spliced into the
 * model, and keeping the newest in view). Names with a leading underscore are theirs. */
#pragma once

#include "np-log-view.h"
#include "np-picture-loader.h"

G_BEGIN_DECLS

typedef enum { COLUMN_TIME, COLUMN_DIRECTION, COLUMN_PEER, COLUMN_LENGTH, COLUMN_DATA, N_COLUMNS } Column;

typedef struct
{
  NpLogView *view;
  Column     column;
} ColumnCells;

struct _NpLogView
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkDropDown        *display_dropdown;
  GtkDropDown        *framing_dropdown;
  GtkDropDown        *encoding_dropdown;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkScrolledWindow  *scroller;
  GtkLabel           *empty_label;
  GtkColumnView      *column_view;
  GtkMultiSelection  *selection;
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  NpLogModel         *log;
  NpLogRenderer      *renderer;
  NpPictureLoader    *pictures;      /* thumbnails of the rows that are pictures */

  ColumnCells         cells[N_COLUMNS];
  gboolean            running;
  char               *filter_text;   /* casefolded, or NULL */
  GPtrArray          *pending_rows;  /* NpLogRow* not in the model yet, in order */
  guint               commit_id;     /* the source that will put them there */
  gint64              last_commit;   /* monotonic µs */
  GtkWidget          *rows;          /* the column view's list, under its header */
  gboolean            follow;        /* keep the newest row in view */
  gboolean            scroll_pending;  /* bring the newest row into view after this layout */
};

void _np_log_view_flow_init       (NpLogView *self);
void _np_log_view_flow_realize    (NpLogView *self);
void _np_log_view_flow_unrealize  (NpLogView *self);
void _np_log_view_flow_dispose    (NpLogView *self);

G_END_DECLS
