#define G_LOG_DOMAIN "np-tls"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-tls.h"

/**
 * np_tls_describe_errors:
 * Returns: (transfer full): why a certificate is not trusted, e.g. "signed by an unknown
 *   authority, does not match the host name"; "trusted" when @errors is 0
 */
char *
np_tls_describe_errors (GTlsCertificateFlags errors)
{
  static const struct { GTlsCertificateFlags flag; const char *text; } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA,    N_("signed by an unknown authority (self-signed?)") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY,  N_("made out for another host name") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_("not valid yet") },
    { G_TLS_CERTIFICATE_EXPIRED,       N_("expired") },
    { G_TLS_CERTIFICATE_REVOKED,       N_("revoked") },
    { G_TLS_CERTIFICATE_INSECURE,      N_("using an insecure algorithm") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, N_("unusable") },
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (errors & reasons[i].flag)
      g_string_append_printf (text, "%s%s", text->len > 0 ? _(", ") : "", _(reasons[i].text));

  if (text->len == 0)
    g_string_append (text, _("trusted"));

  return g_string_free (text, FALSE);
}
