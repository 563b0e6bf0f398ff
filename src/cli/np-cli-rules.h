/* np-cli-rules.h: netpoke-cli's reply rules: --reply, --reply-hex, --rules, --echo */
#pragma once

#include "np-endpoint-config.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray  *rules;           /* NpReplyRule*, in command-line order */
  GPtrArray  *sources;         /* char*: the option each rule came from, for messages */
  char       *reply_encoding;  /* NULL: --encoding */
} NpCliRules;

GOptionGroup *np_cli_rules_option_group (NpCliRules        *rules);
gboolean      np_cli_rules_configure    (NpCliRules        *rules,
                                         NpEndpointConfig  *config,
                                         NpEncoding         receive_encoding,
                                         NpEncoding        *reply_encoding,
                                         GError           **error);
void          np_cli_rules_clear        (NpCliRules        *rules);

G_END_DECLS
