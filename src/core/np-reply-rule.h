/* np-reply-rule.h: one automatic answer, as the user writes it
 *
 * A rule matches a whole received message (after framing) and says what to send back to its
 * sender: "when a message matches PATTERN, answer RESPONSE (after DELAY ms)". Rules are kept in
 * order and the first enabled one that matches answers (NpResponder compiles and applies
 * them). This is the plain, storable form: workspaces, --rules files and the window's rules
 * pane all hold these; nothing here is checked until NpResponder compiles it.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  NP_MATCH_ANY,     /* every message */
  NP_MATCH_TEXT,    /* the text equals the pattern (escapes allowed; a trailing line end aside) */
  NP_MATCH_REGEX,   /* a GRegex finds a match in the decoded text */
  NP_MATCH_HEX,     /* the bytes equal the pattern, written in hex */
} NpMatchKind;

typedef enum
{
  NP_REPLY_TEXT,    /* a template: \0…\9 captures, \r \n \t \\ \xNN \uNNNN, in the send encoding */
  NP_REPLY_HEX,     /* these bytes */
  NP_REPLY_ECHO,    /* the message itself, byte for byte */
} NpReplyKind;

/* The longest delay a rule may ask for, in milliseconds. */
#define NP_REPLY_MAX_DELAY_MS (10 * 60 * 1000)

#define NP_TYPE_REPLY_RULE (np_reply_rule_get_type ())

typedef struct
{
  char        *name;        /* optional, for the user; never NULL */
  gboolean     enabled;
  NpMatchKind  match;
  char        *pattern;     /* never NULL; unused for NP_MATCH_ANY */
  NpReplyKind  reply;
  char        *response;    /* never NULL; unused for NP_REPLY_ECHO */
  guint        delay_ms;
} NpReplyRule;

GType        np_reply_rule_get_type   (void) G_GNUC_CONST;
NpReplyRule *np_reply_rule_new        (NpMatchKind         match,
                                       const char         *pattern,
                                       NpReplyKind         reply,
                                       const char         *response);
NpReplyRule *np_reply_rule_new_echo   (void);
NpReplyRule *np_reply_rule_new_from_spec (const char      *spec,
                                       gboolean            hex,
                                       GError            **error);
NpReplyRule *np_reply_rule_copy       (const NpReplyRule  *rule);
void         np_reply_rule_free       (NpReplyRule        *rule);
gboolean     np_reply_rule_equal      (const NpReplyRule  *a,
                                       const NpReplyRule  *b);
const char  *np_match_kind_to_string  (NpMatchKind         kind);
gboolean     np_match_kind_from_string (const char        *name,
                                       NpMatchKind        *kind);
const char  *np_reply_kind_to_string  (NpReplyKind         kind);
gboolean     np_reply_kind_from_string (const char        *name,
                                       NpReplyKind        *kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpReplyRule, np_reply_rule_free)

G_END_DECLS
