#define G_LOG_DOMAIN "np-send-box"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-enum-types.h"
#include "np-send-box.h"
#include "np-tooltip.h"
#include "np-wrap-box.h"

#define HISTORY_SIZE 50

struct _NpSendBox
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkTextView   *send_view;
  GtkWidget     *placeholder_label;
  GtkDropDown   *format_dropdown;
  GtkDropDown   *encoding_dropdown;
  GtkCheckButton *crlf_check;
  GtkSpinButton *repeat_spin;
  GtkToggleButton *repeat_button;
  GtkButton     *send_button;
  GtkLabel      *send_label;
  GtkFlowBox    *saved_box;
  GtkLabel      *hint_label;   /* what the draft will not do as it may seem; hidden when empty */

  char          *note;         /* the window's word on the draft (a GET sends no body), or NULL */
  char          *unavailable;  /* why Send cannot go anywhere now, or NULL */

  gboolean       append_crlf;
  GPtrArray     *history;      /* char*, newest last */
  guint          history_pos;  /* == len: the draft */
  GPtrArray     *saved;        /* NpSavedMessage*, in button order */
};

enum { PROP_0, PROP_FORMAT, PROP_ENCODING, PROP_APPEND_CRLF, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpSendBox, np_send_box, GTK_TYPE_WIDGET)

static NpFormat
get_format (NpSendBox *self)
{
  return (NpFormat) MIN (gtk_drop_down_get_selected (self->format_dropdown), NP_FORMAT_ESCAPES);
}

static NpEncoding
get_encoding (NpSendBox *self)
{
  return (NpEncoding) MIN (gtk_drop_down_get_selected (self->encoding_dropdown), NP_ENCODING_LATIN1);
}

/* ---- the draft ---------------------------------------------------------------------------- */

char *
np_send_box_get_draft (NpSendBox *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (NP_IS_SEND_BOX (self), NULL);

  buffer = gtk_text_view_get_buffer (self->send_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
np_send_box_set_draft (NpSendBox  *self,
                       const char *text)
{
  g_return_if_fail (NP_IS_SEND_BOX (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->send_view), text, -1);
}

/* The name the format selector shows ("Text", "Escapes"), translated. */
static const char *
format_name (NpSendBox *self,
             NpFormat   format)
{
  GListModel *names = gtk_drop_down_get_model (self->format_dropdown);

  return format < g_list_model_get_n_items (names)
         ? gtk_string_list_get_string (GTK_STRING_LIST (names), format) : "";
}

/* Whether @text holds something that reads as an escape (\r, \n, \t, \0, \x…, \\). */
static gboolean
has_escape (const char *text)
{
  for (const char *p = strchr (text, '\\'); p != NULL; p = strchr (p + 1, '\\'))
    if (p[1] != '\0' && strchr ("rnt0x\\", p[1]) != NULL)
      return TRUE;
  return FALSE;
}

/* Under the draft: the window's note, and in Text format a word when the draft holds an escape
 * (Text sends a backslash as a backslash; rule answers and Try It read escapes). */
static void
update_hint (NpSendBox *self)
{
  g_autofree char *draft = np_send_box_get_draft (self);
  g_autoptr(GString) hint = g_string_new (self->note);

  if (get_format (self) == NP_FORMAT_TEXT && has_escape (draft))
    {
      g_autofree char *escapes = g_strdup_printf (_("Backslashes are sent as typed (\\r\\n is 4 characters): choose %s to send CR LF"),
                                                  format_name (self, NP_FORMAT_ESCAPES));

      if (hint->len > 0)
        g_string_append_c (hint, '\n');
      g_string_append (hint, escapes);
    }
  gtk_label_set_text (self->hint_label, hint->str);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint->len > 0);
}

/* What the window has to say about the draft (NULL: nothing), shown under it. */
void
np_send_box_set_note (NpSendBox  *self,
                      const char *note)
{
  g_return_if_fail (NP_IS_SEND_BOX (self));

  if (g_strcmp0 (self->note, note) == 0)
    return;
  g_free (self->note);
  self->note = g_strdup (note);
  update_hint (self);
}

const char *
np_send_box_get_hint (NpSendBox *self)
{
  g_return_val_if_fail (NP_IS_SEND_BOX (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->hint_label)) ? gtk_label_get_text (self->hint_label) : NULL;
}

/**
 * np_send_box_encode_draft:
 * @remember: add the draft to the history (a repeat does not)
 *
 * Returns: (transfer full) (nullable): the bytes of the draft as written (format, encoding,
 *   CR LF appended), or %NULL with @error saying why not
 */
GBytes *
np_send_box_encode_draft (NpSendBox  *self,
                          gboolean    remember,
                          GError    **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GString) full = NULL;
  g_autoptr(GError) local_error = NULL;
  NpFormat format;
  GBytes *payload;

  g_return_val_if_fail (NP_IS_SEND_BOX (self), NULL);

  text = np_send_box_get_draft (self);
  if (text[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Type a message to send first"));
      return NULL;
    }

  format = get_format (self);
  full = g_string_new (text);
  if (self->append_crlf)
    g_string_append (full, format == NP_FORMAT_HEX ? " 0D 0A" : format == NP_FORMAT_ESCAPES ? "\\r\\n" : "\r\n");

  payload = np_codec_encode (full->str, full->len, format, get_encoding (self), &local_error);
  if (payload == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, _("Not sent: %s"), local_error->message);
      return NULL;
    }

  if (remember && (self->history->len == 0
                   || !g_str_equal (g_ptr_array_index (self->history, self->history->len - 1), text)))
    {
      g_ptr_array_add (self->history, g_strdup (text));
      if (self->history->len > HISTORY_SIZE)
        g_ptr_array_remove_index (self->history, 0);
    }
  self->history_pos = self->history->len;

  return payload;
}

/* Brings back an earlier (-1) or later (+1) sent draft; past the newest is an empty draft. */
void
np_send_box_show_history (NpSendBox *self,
                          int        step)
{
  int position;

  g_return_if_fail (NP_IS_SEND_BOX (self));

  position = (int) self->history_pos + step;
  if (position < 0 || position > (int) self->history->len || self->history->len == 0)
    return;

  self->history_pos = position;
  np_send_box_set_draft (self, position < (int) self->history->len ? g_ptr_array_index (self->history, position) : "");
}

void
np_send_box_focus_message (NpSendBox *self)
{
  g_return_if_fail (NP_IS_SEND_BOX (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->send_view));
}

/* The Send button's tooltip: the whole of what it says (when the button cuts it) and its key,
 * or, while it is insensitive, why; the reason is its accessible description too. Repeat,
 * greyed for the same reason, says the same (it said what it does, as if it could). */
static void
update_send_tooltip (NpSendBox *self)
{
  GtkWidget *buttons[] = { GTK_WIDGET (self->send_button), GTK_WIDGET (self->repeat_button) };
  g_autofree char *tooltip = NULL;

  if (self->unavailable != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
        {
          gtk_widget_set_tooltip_text (buttons[i], self->unavailable);
          gtk_accessible_update_property (GTK_ACCESSIBLE (buttons[i]), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                          self->unavailable, -1);
        }
      return;
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->repeat_button), _("Send the message again every interval"));
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->repeat_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  tooltip = g_strdup_printf (_("%s (Ctrl+Enter)"), gtk_label_get_text (self->send_label));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->send_button), tooltip);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->send_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* What the Send button says: where it sends ("Send to All", "Send to 2 Selected"). */
void
np_send_box_set_send_label (NpSendBox  *self,
                            const char *label)
{
  g_return_if_fail (NP_IS_SEND_BOX (self));

  gtk_label_set_text (self->send_label, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->send_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  update_send_tooltip (self);
}

/* Why Send cannot go anywhere now (no client yet, not started), or %NULL when it can. The
 * window disables win.send with the same answer; the button's tooltip says it, and Ctrl+Enter
 * in the message box says it in a toast rather than do nothing. */
void
np_send_box_set_unavailable (NpSendBox  *self,
                             const char *reason)
{
  g_return_if_fail (NP_IS_SEND_BOX (self));

  if (g_strcmp0 (self->unavailable, reason) == 0)
    return;
  g_free (self->unavailable);
  self->unavailable = g_strdup (reason);
  update_send_tooltip (self);
}

guint
np_send_box_get_repeat_interval (NpSendBox *self)
{
  g_return_val_if_fail (NP_IS_SEND_BOX (self), 1000);

  return (guint) gtk_spin_button_get_value_as_int (self->repeat_spin);
}

/* ---- saved messages ------------------------------------------------------------------------ */

/* One linked pair of buttons per message: its name sends it (win.send-saved, by position), the
 * cross removes it. */
static void
rebuild_saved_box (NpSendBox *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->saved_box))) != NULL)
    gtk_flow_box_remove (self->saved_box, child);

  for (guint i = 0; i < self->saved->len; i++)
    {
      NpSavedMessage *message = g_ptr_array_index (self->saved, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *send = gtk_button_new_with_label (message->name);
      GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
      g_autofree char *remove_label = g_strdup_printf (_("Remove saved message %s"), message->name);
      /* The format says how it is read: "STATUS?\r\n" is 11 bytes in Text, 9 in Escapes. */
      g_autofree char *tooltip = g_strdup_printf (_("%s\n(written as %s)"), message->payload,
                                                  format_name (self, message->format));

      gtk_widget_add_css_class (box, "linked");
      gtk_widget_set_tooltip_text (send, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (send), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (send), "win.send-saved");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (send), "u", i);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "send-box.remove-saved");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "u", i);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
      gtk_widget_set_tooltip_text (remove, remove_label);
      gtk_box_append (GTK_BOX (box), send);
      gtk_box_append (GTK_BOX (box), remove);
      gtk_flow_box_append (self->saved_box, box);
      np_tooltip_fit_text (box);
    }
}

/**
 * np_send_box_get_saved_messages:
 * Returns: (transfer none) (element-type NpSavedMessage): the saved messages, in button order
 */
GPtrArray *
np_send_box_get_saved_messages (NpSendBox *self)
{
  g_return_val_if_fail (NP_IS_SEND_BOX (self), NULL);
  return self->saved;
}

/* Replaces the saved messages with copies of @messages (a workspace opened). */
void
np_send_box_set_saved_messages (NpSendBox *self,
                                GPtrArray *messages)
{
  g_return_if_fail (NP_IS_SEND_BOX (self));

  g_ptr_array_set_size (self->saved, 0);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (self->saved, np_saved_message_copy (g_ptr_array_index (messages, i)));
  rebuild_saved_box (self);
}

/* Adds a button for the message, within the limits a workspace can hold. */
gboolean
np_send_box_add_saved_message (NpSendBox   *self,
                               const char  *name,
                               const char  *payload,
                               NpFormat     format,
                               GError     **error)
{
  g_return_val_if_fail (NP_IS_SEND_BOX (self), FALSE);

  if (!np_session_check_message (name, payload, self->saved->len, error))
    return FALSE;
  g_ptr_array_add (self->saved, np_saved_message_new (name, payload, format));
  rebuild_saved_box (self);
  return TRUE;
}

/**
 * np_send_box_encode_saved:
 * Returns: (transfer full) (nullable): the bytes of saved message @index in its own format and
 *   the send encoding, or %NULL with @error saying why not
 */
GBytes *
np_send_box_encode_saved (NpSendBox  *self,
                          guint       index,
                          GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  NpSavedMessage *message;
  GBytes *payload;

  g_return_val_if_fail (NP_IS_SEND_BOX (self), NULL);
  g_return_val_if_fail (index < self->saved->len, NULL);

  message = g_ptr_array_index (self->saved, index);
  payload = np_codec_encode (message->payload, -1, message->format, get_encoding (self), &local_error);
  if (payload == NULL)
    g_set_error (error, local_error->domain, local_error->code, _("“%s” not sent: %s"),
                 message->name, local_error->message);
  return payload;
}

static void
remove_saved_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NpSendBox *self = NP_SEND_BOX (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (index < self->saved->len)
    g_ptr_array_remove_index (self->saved, index);
  rebuild_saved_box (self);
}

static void
show_error (NpSendBox  *self,
            const char *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", message);
}

static void
on_save_message_response (AdwMessageDialog *dialog,
                          const char       *response,
                          NpSendBox        *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autofree char *text = np_send_box_get_draft (self);
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "save"))
    return;
  if (name[0] == '\0')
    show_error (self, _("A saved message needs a name"));
  else if (!np_send_box_add_saved_message (self, name, text, get_format (self), &error))
    show_error (self, error->message);
}

/* Asks for a name (the draft's first line to start with) and saves the draft as a button. */
static void
save_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NpSendBox *self = NP_SEND_BOX (widget);
  g_autofree char *text = np_send_box_get_draft (self);
  g_auto(GStrv) lines = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog, *entry;

  if (text[0] == '\0')
    {
      show_error (self, _("Type the message to save first"));
      return;
    }

  lines = g_strsplit (text, "\n", 2);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), lines[0]);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);

  body = g_strdup_printf (_("It will appear under the send box: one click sends it, written as %s."),
                          format_name (self, get_format (self)));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Save Message"), body);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_message_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- object -------------------------------------------------------------------------------- */

static void
np_send_box_dispose (GObject *object)
{
  NpSendBox *self = (NpSendBox *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_SEND_BOX);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->saved, g_ptr_array_unref);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->unavailable, g_free);

  G_OBJECT_CLASS (np_send_box_parent_class)->dispose (object);
}

static void
np_send_box_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  NpSendBox *self = NP_SEND_BOX (object);

  switch (prop_id)
    {
    case PROP_FORMAT:      g_value_set_enum (value, get_format (self)); break;
    case PROP_ENCODING:    g_value_set_enum (value, get_encoding (self)); break;
    case PROP_APPEND_CRLF: g_value_set_boolean (value, self->append_crlf); break;
    default:               G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_send_box_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  NpSendBox *self = NP_SEND_BOX (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      gtk_drop_down_set_selected (self->format_dropdown, g_value_get_enum (value));
      break;
    case PROP_ENCODING:
      gtk_drop_down_set_selected (self->encoding_dropdown, g_value_get_enum (value));
      break;
    case PROP_APPEND_CRLF:
      if (self->append_crlf != g_value_get_boolean (value))
        {
          self->append_crlf = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_send_box_class_init (NpSendBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_send_box_dispose;
  object_class->get_property = np_send_box_get_property;
  object_class->set_property = np_send_box_set_property;

  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL, NP_TYPE_FORMAT, NP_FORMAT_TEXT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENCODING] =
    g_param_spec_enum ("encoding", NULL, NULL, NP_TYPE_ENCODING, NP_ENCODING_UTF8,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APPEND_CRLF] =
    g_param_spec_boolean ("append-crlf", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_WRAP_BOX);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-send-box.ui");
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, box);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, send_view);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, placeholder_label);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, crlf_check);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, repeat_spin);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, repeat_button);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, send_button);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, send_label);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, saved_box);
  gtk_widget_class_bind_template_child (widget_class, NpSendBox, hint_label);

  gtk_widget_class_install_action (widget_class, "send-box.save-message", NULL, save_message_action);
  gtk_widget_class_install_action (widget_class, "send-box.remove-saved", "u", remove_saved_action);
}

static void
on_format_selected (NpSendBox *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORMAT]);
  update_hint (self);
}

static void
on_encoding_selected (NpSendBox *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
}

/* Consumed even when nothing can be sent now: Ctrl+Enter never types a newline. It then says
 * why (the Send button, insensitive, says it in its tooltip): a key that did nothing left the
 * user guessing. */
static gboolean
on_send_shortcut (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  NpSendBox *self = NP_SEND_BOX (gtk_widget_get_ancestor (widget, NP_TYPE_SEND_BOX));

  if (self->unavailable != NULL)
    gtk_widget_activate_action (widget, "win.show-error", "s", self->unavailable);
  else
    gtk_widget_activate_action (widget, "win.send", NULL);
  return TRUE;
}

/* GtkTextView has no placeholder (GTK 4.8): a label over it while it is empty. */
static void
on_draft_changed (NpSendBox *self)
{
  gtk_widget_set_visible (self->placeholder_label,
                          gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (self->send_view)) == 0);
  update_hint (self);
}

static void
np_send_box_init (NpSendBox *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkShortcut *send = gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter"),
                                        gtk_callback_action_new (on_send_shortcut, NULL, NULL));

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_text_view_get_buffer (self->send_view), "changed", G_CALLBACK (on_draft_changed),
                           self, G_CONNECT_SWAPPED);

  /* The text view takes Enter (with or without Ctrl) as a newline before any shortcut of the
   * window sees it: Ctrl+Enter is caught on its way down, in the capture phase. */
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), send);
  gtk_widget_add_controller (GTK_WIDGET (self->send_view), shortcuts);

  self->history = g_ptr_array_new_with_free_func (g_free);
  self->saved = g_ptr_array_new_with_free_func ((GDestroyNotify) np_saved_message_free);
  g_signal_connect_object (self->format_dropdown, "notify::selected", G_CALLBACK (on_format_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->encoding_dropdown, "notify::selected", G_CALLBACK (on_encoding_selected),
                           self, G_CONNECT_SWAPPED);
}
