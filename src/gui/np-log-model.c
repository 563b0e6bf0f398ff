#define G_LOG_DOMAIN "np-log-model"

#include "np-log-model.h"

struct _NpLogModel
{
  GObject     parent_instance;

  GPtrArray  *rows;      /* NpLogRow*, oldest first */
  guint       cap;
  guint64     dropped;   /* rows dropped from view by the cap since the last clear */

  gsize       kept_bytes;   /* whole payloads the rows hold */
  gsize       byte_budget;
  guint       oldest_kept;  /* rows before this index hold no whole payload */
};

enum { PROP_0, PROP_CAP, PROP_DROPPED, PROP_N_ITEMS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static GType
np_log_model_get_item_type (GListModel *model)
{
  return NP_TYPE_LOG_ROW;
}

static guint
np_log_model_get_n_items (GListModel *model)
{
  return NP_LOG_MODEL (model)->rows->len;
}

static gpointer
np_log_model_get_item (GListModel *model,
                       guint       position)
{
  NpLogModel *self = NP_LOG_MODEL (model);

  if (position >= self->rows->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = np_log_model_get_item_type;
  iface->get_n_items = np_log_model_get_n_items;
  iface->get_item = np_log_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (NpLogModel, np_log_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
np_log_model_finalize (GObject *object)
{
  NpLogModel *self = (NpLogModel *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (np_log_model_parent_class)->finalize (object);
}

static void
np_log_model_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NpLogModel *self = NP_LOG_MODEL (object);

  switch (prop_id)
    {
    case PROP_CAP:
      g_value_set_uint (value, self->cap);
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, self->dropped);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_log_model_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_CAP:
      np_log_model_set_cap (NP_LOG_MODEL (object), g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_log_model_class_init (NpLogModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = np_log_model_finalize;
  object_class->get_property = np_log_model_get_property;
  object_class->set_property = np_log_model_set_property;

  properties[PROP_CAP] =
    g_param_spec_uint ("cap", NULL, NULL, 1, G_MAXUINT, NP_LOG_MODEL_DEFAULT_CAP,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_log_model_init (NpLogModel *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->cap = NP_LOG_MODEL_DEFAULT_CAP;
  self->byte_budget = NP_LOG_MODEL_BYTE_BUDGET;
}

NpLogModel *
np_log_model_new (void)
{
  return g_object_new (NP_TYPE_LOG_MODEL, NULL);
}

static gsize
bytes_held (NpLogRow *row)
{
  GBytes *bytes = np_log_row_get_bytes (row);

  return bytes != NULL ? g_bytes_get_size (bytes) : 0;
}

/* Takes the @n oldest rows out, and their whole payloads out of the account. */
static void
remove_oldest (NpLogModel *self,
               guint       n)
{
  for (guint i = self->oldest_kept; i < n; i++)
    self->kept_bytes -= bytes_held (g_ptr_array_index (self->rows, i));
  g_ptr_array_remove_range (self->rows, 0, n);
  self->oldest_kept = self->oldest_kept > n ? self->oldest_kept - n : 0;
}

/* Whole payloads past the budget: the oldest rows keep only their previews. The walk starts
 * where the last one stopped, so each row is passed once in its life. */
static void
spend_budget (NpLogModel *self)
{
  while (self->kept_bytes > self->byte_budget && self->oldest_kept < self->rows->len)
    self->kept_bytes -= np_log_row_forget_bytes (g_ptr_array_index (self->rows, self->oldest_kept++));
}

/* Drops the oldest rows beyond the cap; returns how many went. */
static guint
trim (NpLogModel *self)
{
  guint excess;

  if (self->rows->len <= self->cap)
    return 0;

  excess = self->rows->len - self->cap;
  remove_oldest (self, excess);
  self->dropped += excess;

  return excess;
}

/**
 * np_log_model_append:
 * @rows: (element-type NpLogRow): rows to add at the end, in order
 *
 * One batch, one change notification (two when the cap drops old rows): never one per row.
 */
void
np_log_model_append (NpLogModel *self,
                     GPtrArray  *rows)
{
  guint skip, added, removed, position;

  g_return_if_fail (NP_IS_LOG_MODEL (self));
  g_return_if_fail (rows != NULL);

  if (rows->len == 0)
    return;

  /* Only the newest @cap rows of a huge batch can ever be seen. */
  skip = rows->len > self->cap ? rows->len - self->cap : 0;
  added = rows->len - skip;

  /* Make room first and say so, then append and say so: at each signal the model is in the
   * state the signal describes. */
  removed = MIN (self->rows->len, (self->rows->len + added > self->cap)
                                  ? self->rows->len + added - self->cap : 0);
  if (removed > 0)
    {
      remove_oldest (self, removed);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
    }

  position = self->rows->len;
  for (guint i = skip; i < rows->len; i++)
    {
      NpLogRow *row = g_ptr_array_index (rows, i);

      self->kept_bytes += bytes_held (row);
      g_ptr_array_add (self->rows, g_object_ref (row));
    }
  /* Before anyone hears of the new rows: a row shown holds what the budget allows. */
  spend_budget (self);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);

  if (removed + skip > 0)
    {
      self->dropped += removed + skip;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
np_log_model_clear (NpLogModel *self)
{
  guint n;

  g_return_if_fail (NP_IS_LOG_MODEL (self));

  n = self->rows->len;
  g_ptr_array_set_size (self->rows, 0);
  self->dropped = 0;
  self->kept_bytes = 0;
  self->oldest_kept = 0;
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Every row is re-rendered (display format or encoding changed): the rows themselves stay. */
void
np_log_model_refresh (NpLogModel *self)
{
  g_return_if_fail (NP_IS_LOG_MODEL (self));

  if (self->rows->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, self->rows->len, self->rows->len);
}

guint
np_log_model_get_cap (NpLogModel *self)
{
  g_return_val_if_fail (NP_IS_LOG_MODEL (self), 0);
  return self->cap;
}

void
np_log_model_set_cap (NpLogModel *self,
                      guint       cap)
{
  guint removed;

  g_return_if_fail (NP_IS_LOG_MODEL (self));
  g_return_if_fail (cap > 0);

  if (self->cap == cap)
    return;

  self->cap = cap;
  removed = trim (self);
  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAP]);
}

guint64
np_log_model_get_dropped (NpLogModel *self)
{
  g_return_val_if_fail (NP_IS_LOG_MODEL (self), 0);
  return self->dropped;
}

/* Rows that never got in (held back while the view was scrolled up, then past the cap) count
 * as dropped like the ones the cap took out. */
void
np_log_model_add_dropped (NpLogModel *self,
                          guint       n_rows)
{
  g_return_if_fail (NP_IS_LOG_MODEL (self));

  if (n_rows == 0)
    return;
  self->dropped += n_rows;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
}

/* Whole payloads the rows hold now (at most the byte budget). */
gsize
np_log_model_get_kept_bytes (NpLogModel *self)
{
  g_return_val_if_fail (NP_IS_LOG_MODEL (self), 0);
  return self->kept_bytes;
}

/* For tests: a smaller budget than NP_LOG_MODEL_BYTE_BUDGET. */
void
np_log_model_set_byte_budget (NpLogModel *self,
                              gsize       budget)
{
  g_return_if_fail (NP_IS_LOG_MODEL (self));

  self->byte_budget = budget;
  spend_budget (self);
}
