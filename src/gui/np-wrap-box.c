/* np-wrap-box.c: a row of controls that wraps onto more lines when the row is short of room.
 *
 * A GtkBox row cannot be narrower than all its children side by side: in a pane narrower than
 * that, GtkPaned allocated it wider than the pane anyway and the controls on one side were cut
 * off. Here each child keeps its natural width and the next line starts where the next child
 * would not fit, so the row is only as wide as its widest child. Children that expand share
 * the room left on their line (a spacer pushes what follows it to the line's end). GtkFlowBox
 * does not do this: it lines its children up in columns across lines and wraps each child in a
 * focusable GtkFlowBoxChild. */
#include "config.h"

#include "np-wrap-box.h"

struct _NpWrapBox
{
  GtkWidget parent_instance;

  int       spacing;   /* between children on a line */
  int       line_spacing;
};

enum { PROP_0, PROP_SPACING, PROP_LINE_SPACING, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpWrapBox, np_wrap_box, GTK_TYPE_WIDGET)

/* A child's width on a line @width wide: its natural width, or less (never under its minimum)
 * when even alone on a line it would not fit. */
static int
child_width (GtkWidget *child,
             int        width,
             int       *natural)
{
  int minimum;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, natural, NULL, NULL);
  return MAX (minimum, MIN (*natural, width));
}

static int
child_height (GtkWidget *child,
              int        width)
{
  int natural;

  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &natural, NULL, NULL);
  return natural;
}

/* Lays the children out on lines @width wide. With @allocate, gives each its place; returns
 * the height of all the lines. */
static int
lay_out (NpWrapBox *self,
         int        width,
         gboolean   allocate)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  GtkWidget *line_start = gtk_widget_get_first_child (widget);
  int y = 0;

  while (line_start != NULL)
    {
      GtkWidget *line_end, *child;
      int used = 0, n_children = 0, n_expanding = 0, height = 0, x = 0, extra;

      /* Which children fit on this line (at least one does, cut to the width). */
      for (line_end = line_start; line_end != NULL; line_end = gtk_widget_get_next_sibling (line_end))
        {
          int natural, w;

          if (!gtk_widget_get_visible (line_end))
            continue;
          w = child_width (line_end, width, &natural);
          if (n_children > 0 && used + self->spacing + w > width)
            break;
          used += (n_children > 0 ? self->spacing : 0) + w;
          n_children++;
          if (gtk_widget_compute_expand (line_end, GTK_ORIENTATION_HORIZONTAL))
            n_expanding++;
          height = MAX (height, child_height (line_end, w));
        }
      if (n_children == 0)
        break;

      extra = MAX (0, width - used);
      for (child = line_start; allocate && child != line_end; child = gtk_widget_get_next_sibling (child))
        {
          int natural, w;

          if (!gtk_widget_get_visible (child))
            continue;
          w = child_width (child, width, &natural);
          if (n_expanding > 0 && gtk_widget_compute_expand (child, GTK_ORIENTATION_HORIZONTAL))
            {
              int share = extra / n_expanding;

              w += share;
              extra -= share;
              n_expanding--;
            }
          gtk_widget_size_allocate (child, &(GtkAllocation) { rtl ? width - x - w : x, y, w, height }, -1);
          x += w + self->spacing;
        }
      y += height + self->line_spacing;
      line_start = line_end;
    }
  return MAX (0, y - self->line_spacing);
}

static void
np_wrap_box_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  NpWrapBox *self = NP_WRAP_BOX (widget);

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As narrow as the widest child; naturally all of them on one line. */
      int n_children = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_minimum, child_natural;

          if (!gtk_widget_get_visible (child))
            continue;
          gtk_widget_measure (child, orientation, -1, &child_minimum, &child_natural, NULL, NULL);
          *minimum = MAX (*minimum, child_minimum);
          *natural += (n_children++ > 0 ? self->spacing : 0) + child_natural;
        }
    }
  else
    {
      /* Height for a width. For no particular width, the height at the narrowest: the most
       * lines the box can take, as GtkFlowBox and GTK's guide to measure() do. Parents trust
       * that no width needs more: GtkBox checks it when it sizes a box for a height, and its
       * critical aborted the window's layout when this said one line, because GtkPaned keeps
       * its start side as narrow as placed at any width and there the row took more lines.
       * The natural height is that one too: the height at the natural width (one line) would
       * be under the minimum, which GTK refuses. */
      int width = for_size, unused;

      if (width < 0)
        np_wrap_box_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &width, &unused, NULL, NULL);
      *minimum = *natural = lay_out (self, width, FALSE);
    }
}

static void
np_wrap_box_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  lay_out (NP_WRAP_BOX (widget), width, TRUE);
}

static GtkSizeRequestMode
np_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
np_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (np_wrap_box_parent_class)->dispose (object);
}

static void
np_wrap_box_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  NpWrapBox *self = NP_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_LINE_SPACING:
      g_value_set_int (value, self->line_spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_wrap_box_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  NpWrapBox *self = NP_WRAP_BOX (object);
  int *field = prop_id == PROP_SPACING ? &self->spacing : &self->line_spacing;

  switch (prop_id)
    {
    case PROP_SPACING:
    case PROP_LINE_SPACING:
      if (*field != g_value_get_int (value))
        {
          *field = g_value_get_int (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_wrap_box_class_init (NpWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_wrap_box_dispose;
  object_class->get_property = np_wrap_box_get_property;
  object_class->set_property = np_wrap_box_set_property;
  widget_class->measure = np_wrap_box_measure;
  widget_class->size_allocate = np_wrap_box_size_allocate;
  widget_class->get_request_mode = np_wrap_box_get_request_mode;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LINE_SPACING] =
    g_param_spec_int ("line-spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "box");
}

static void
np_wrap_box_init (NpWrapBox *self)
{
}
