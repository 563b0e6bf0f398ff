#define G_LOG_DOMAIN "np-options-pane"

#include "config.h"

#include "np-enum-types.h"
#include "np-options-pane.h"

typedef struct
{
  NpMode   mode;
  gboolean running;   /* the endpoint runs: most options wait for the next start */
} NpOptionsPanePrivate;

enum { PROP_0, PROP_MODE, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (NpOptionsPane, np_options_pane, GTK_TYPE_WIDGET)

/* The subclass's template: its children go, then its template's references. */
static void
np_options_pane_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  gtk_widget_dispose_template (GTK_WIDGET (object), G_OBJECT_TYPE (object));

  G_OBJECT_CLASS (np_options_pane_parent_class)->dispose (object);
}

static void
np_options_pane_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  NpOptionsPanePrivate *priv = np_options_pane_get_instance_private (NP_OPTIONS_PANE (object));

  switch (prop_id)
    {
    case PROP_MODE:    g_value_set_enum (value, priv->mode); break;
    case PROP_RUNNING: g_value_set_boolean (value, priv->running); break;
    default:           G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_options_pane_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  NpOptionsPanePrivate *priv = np_options_pane_get_instance_private (NP_OPTIONS_PANE (object));

  switch (prop_id)
    {
    case PROP_MODE:
      if (priv->mode != (NpMode) g_value_get_enum (value))
        {
          priv->mode = g_value_get_enum (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_RUNNING:
      if (priv->running != g_value_get_boolean (value))
        {
          priv->running = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_options_pane_class_init (NpOptionsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_options_pane_dispose;
  object_class->get_property = np_options_pane_get_property;
  object_class->set_property = np_options_pane_set_property;

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, NP_TYPE_MODE, NP_MODE_TCP_SERVER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Any field changed: the endpoint bar validates again. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
np_options_pane_init (NpOptionsPane *self)
{
}

NpMode
np_options_pane_get_mode (NpOptionsPane *self)
{
  NpOptionsPanePrivate *priv = np_options_pane_get_instance_private (self);

  g_return_val_if_fail (NP_IS_OPTIONS_PANE (self), NP_MODE_TCP_SERVER);
  return priv->mode;
}

/* For a subclass's "changed" handlers of its fields. */
void
np_options_pane_emit_changed (NpOptionsPane *self)
{
  g_return_if_fail (NP_IS_OPTIONS_PANE (self));
  g_signal_emit (self, signals[CHANGED], 0);
}
