#define G_LOG_DOMAIN "np-tooltip"

#include "np-tooltip.h"

/* GTK 4.8's tooltip label may be as wide as its text has characters, counted in the font's
 * approximate character width (GtkTooltipWindow sets max-width-chars to the length), and that
 * width comes from the sample text of the locale's language: with Chinese messages under a C
 * or English LC_CTYPE (LANGUAGE=zh_CN), a full-width character is about two "characters"
 * wide, so a tooltip gets half the room its text needs and, CJK text breaking anywhere, wraps
 * after every character ("主菜单" one character per line). Widgets given to
 * np_tooltip_fit_text () show their tooltip text in a label of our own, which wraps only past
 * 50 average characters. */

#define LABEL_KEY "np-tooltip-label"

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    unused)
{
  const char *text = gtk_widget_get_tooltip_text (widget);
  GtkLabel *label;

  if (text == NULL || text[0] == '\0')
    return FALSE;

  label = g_object_get_data (G_OBJECT (widget), LABEL_KEY);
  if (label == NULL)
    {
      label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_wrap (label, TRUE);
      gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (label, 50);
      gtk_label_set_xalign (label, 0);
      g_object_set_data_full (G_OBJECT (widget), LABEL_KEY, g_object_ref_sink (label), g_object_unref);
    }
  gtk_label_set_text (label, text);
  gtk_tooltip_set_custom (tooltip, GTK_WIDGET (label));
  return TRUE;
}

/* Every widget under @root (and @root) with a tooltip text shows it at its full width. */
void
np_tooltip_fit_text (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (gtk_widget_get_has_tooltip (root)
      && g_signal_handler_find (root, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_query_tooltip, NULL) == 0)
    g_signal_connect (root, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    np_tooltip_fit_text (child);
}
