/* NpWrapBox measured as GTK expects of a height-for-width widget (under Xvfb): its height for
 * no particular width is the height at its narrowest, the most lines it takes, so no width a
 * parent gives it needs more; what it measures is what it allocates; and under a GtkPaned in a
 * window at its smallest, a row of one control more than fits lays out without GTK's
 * "reports a minimum height of …, but minimum height for width of … is …" critical (fatal here,
 * G_DEBUG=fatal-warnings), which it raised when it measured one line for no width. */
#include <adwaita.h>

#include "np-test-utils.h"
#include "np-window-test-utils.h"
#include "np-wrap-box.h"

#define SPACING 6

static const char *const labels[] = {
  "Text", "UTF-8", "Append CR LF", "1000 ms", "Repeat", "Send File…", "Send to 1 Selected", "One more control",
};

static GtkWidget *
new_wrap_box (void)
{
  GtkWidget *box = g_object_new (NP_TYPE_WRAP_BOX, "spacing", SPACING, "line-spacing", SPACING, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    gtk_widget_set_parent (gtk_button_new_with_label (labels[i]), box);
  return box;
}

/* A window @width × @height (0: its natural size) holding @child, drawn: measured with the theme
 * a person sees. */
static GtkWindow *
window_with (GtkWidget *child,
             int        width,
             int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  if (width > 0)
    gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  np_test_wait_painted (window);
  return window;
}

static void
measure (GtkWidget      *widget,
         GtkOrientation  orientation,
         int             for_size,
         int            *minimum,
         int            *natural)
{
  gtk_widget_measure (widget, orientation, for_size, minimum, natural, NULL, NULL);
  g_assert_cmpint (*natural, >=, *minimum);
}

/* The bottom edge of the lowest child, and whether any two children overlap or one lies
 * outside @width. */
static int
children_bottom (GtkWidget *box,
                 int        width)
{
  int bottom = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (child, box, &bounds));
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, width);
      for (GtkWidget *other = gtk_widget_get_next_sibling (child); other != NULL; other = gtk_widget_get_next_sibling (other))
        {
          graphene_rect_t other_bounds;

          g_assert_true (gtk_widget_compute_bounds (other, box, &other_bounds));
          g_assert_false (graphene_rect_intersection (&bounds, &other_bounds, NULL));
        }
      bottom = MAX (bottom, (int) (bounds.origin.y + bounds.size.height));
    }
  return bottom;
}

/* For no particular width the box is as tall as at its narrowest (it said one line: the
 * height at its natural width); no width from the narrowest to past the natural one needs
 * more; allocated the size it measured, its children fill it exactly and overlap nothing. */
static void
test_height_for_unknown_width (void)
{
  GtkWidget *box = new_wrap_box ();
  GtkWindow *window = window_with (box, 0, 0);
  int min_width, nat_width, min_height, nat_height, line_height, narrowest_height, unused;

  measure (box, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width);
  measure (box, GTK_ORIENTATION_VERTICAL, -1, &min_height, &nat_height);
  measure (box, GTK_ORIENTATION_VERTICAL, min_width, &narrowest_height, &unused);
  measure (box, GTK_ORIENTATION_VERTICAL, nat_width, &line_height, &unused);
  g_test_message ("%d…%d px wide; for no width %d (natural %d) px high; %d px high at the narrowest, %d on one line",
                  min_width, nat_width, min_height, nat_height, narrowest_height, line_height);
  g_assert_cmpint (line_height, <, narrowest_height);   /* it wraps: the test means something */
  if (min_height != narrowest_height)
    g_error ("for no width it reports %d px, not the %d it needs at its narrowest", min_height, narrowest_height);

  for (int width = min_width; width <= nat_width + 50; width++)
    {
      int height;

      measure (box, GTK_ORIENTATION_VERTICAL, width, &height, &unused);
      if (height > min_height)
        g_error ("%d px wide it needs %d px, more than the %d it reports for no width", width, height, min_height);
    }

  /* Allocated at the narrowest, every line used. */
  gtk_widget_size_allocate (box, &(GtkAllocation) { 0, 0, min_width, min_height }, -1);
  g_assert_cmpint (children_bottom (box, min_width), ==, min_height);

  /* At the natural width: one line. */
  gtk_widget_size_allocate (box, &(GtkAllocation) { 0, 0, nat_width, line_height }, -1);
  g_assert_cmpint (children_bottom (box, nat_width), ==, line_height);

  gtk_window_destroy (window);
}

/* The window's case: a vertical box holding a GtkPaned whose start side, placed narrower than
 * the row's natural width, holds the row. A parent that sizes the box for a height (the window
 * does, at its smallest) makes GtkBox look for a width at which its children's heights fit:
 * the paned keeps its start side as wide as placed at any width, so the row stays wrapped
 * there, and when the row had said one line for no width no width was enough; GtkBox gave up at
 * 1048576 px with its critical. */
static void
test_row_under_paned (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 1024, 600 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
      GtkWidget *start = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *log = gtk_scrolled_window_new ();
      GtkWidget *box = new_wrap_box ();
      GtkWindow *window;
      graphene_rect_t bounds;
      int min_width, nat_width, min_height, unused;

      gtk_widget_set_vexpand (log, TRUE);
      gtk_box_append (GTK_BOX (start), log);
      gtk_box_append (GTK_BOX (start), box);
      gtk_paned_set_start_child (GTK_PANED (paned), start);
      gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
      gtk_paned_set_end_child (GTK_PANED (paned), gtk_label_new ("Clients"));
      gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
      gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
      gtk_widget_set_vexpand (paned, TRUE);
      gtk_box_append (GTK_BOX (content), gtk_label_new ("Header"));
      gtk_box_append (GTK_BOX (content), paned);
      measure (box, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width);
      gtk_paned_set_position (GTK_PANED (paned), (min_width + nat_width) / 2);
      window = window_with (content, sizes[i][0], sizes[i][1]);
      measure (content, GTK_ORIENTATION_VERTICAL, -1, &min_height, &unused);
      measure (content, GTK_ORIENTATION_HORIZONTAL, min_height, &unused, &unused);
      np_test_wait_painted (window);

      /* Laid out, and the row is whole inside the window. */
      g_test_message ("window %d×%d, row %d×%d", gtk_widget_get_width (GTK_WIDGET (window)),
                      gtk_widget_get_height (GTK_WIDGET (window)), gtk_widget_get_width (box), gtk_widget_get_height (box));
      g_assert_true (gtk_widget_compute_bounds (box, content, &bounds));
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (content));
      g_assert_cmpint (children_bottom (box, gtk_widget_get_width (box)), <=, gtk_widget_get_height (box));
      gtk_window_destroy (window);
    }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/wrap-box/height-for-unknown-width", test_height_for_unknown_width);
  g_test_add_func ("/wrap-box/row-under-paned", test_row_under_paned);

  return g_test_run ();
}
