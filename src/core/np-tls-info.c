#define G_LOG_DOMAIN "np-tls"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-tls-info.h"

G_DEFINE_BOXED_TYPE (NpTlsInfo, np_tls_info, np_tls_info_copy, np_tls_info_free)

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

/* "AB:CD:…": the SHA-256 of the certificate's DER, as browsers and `openssl x509 -fingerprint
 * -sha256` show it. */
char *
np_tls_certificate_sha256 (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *text = g_string_new (NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &length);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, "%s%02X", i > 0 ? ":" : "", digest[i]);

  return g_string_free (text, FALSE);
}

static char *
iso_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static void
fill_certificate (NpTlsInfo       *info,
                  GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;

  g_object_get (certificate,
                "subject-name", &info->subject,
                "issuer-name", &info->issuer,
                "not-valid-before", &not_before,
                "not-valid-after", &not_after,
                NULL);
  info->not_before = iso_time (not_before);
  info->not_after = iso_time (not_after);
  info->sha256 = np_tls_certificate_sha256 (certificate);
}

static const char *
protocol_name (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:  return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:  return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:  return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:  return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:  return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0: return "DTLS 1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2: return "DTLS 1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default:                              return "TLS";
    }
}

/**
 * np_tls_info_new:
 * @connection: after its handshake
 *
 * Returns: (transfer full): the protocol, cipher suite and the peer's certificate
 */
NpTlsInfo *
np_tls_info_new (GTlsConnection *connection)
{
  NpTlsInfo *info = g_new0 (NpTlsInfo, 1);
  GTlsCertificate *peer = g_tls_connection_get_peer_certificate (connection);

  info->protocol = g_strdup (protocol_name (g_tls_connection_get_protocol_version (connection)));
  info->cipher = g_tls_connection_get_ciphersuite_name (connection);
  if (peer != NULL)
    {
      fill_certificate (info, peer);
      info->trust = np_tls_describe_errors (g_tls_connection_get_peer_certificate_errors (connection));
    }

  return info;
}

NpTlsInfo *
np_tls_info_copy (const NpTlsInfo *info)
{
  NpTlsInfo *copy = g_new0 (NpTlsInfo, 1);

  copy->protocol = g_strdup (info->protocol);
  copy->cipher = g_strdup (info->cipher);
  copy->subject = g_strdup (info->subject);
  copy->issuer = g_strdup (info->issuer);
  copy->not_before = g_strdup (info->not_before);
  copy->not_after = g_strdup (info->not_after);
  copy->sha256 = g_strdup (info->sha256);
  copy->trust = g_strdup (info->trust);

  return copy;
}

void
np_tls_info_free (NpTlsInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->protocol);
  g_free (info->cipher);
  g_free (info->subject);
  g_free (info->issuer);
  g_free (info->not_before);
  g_free (info->not_after);
  g_free (info->sha256);
  g_free (info->trust);
  g_free (info);
}

static char *
describe (const char *subject,
          const char *issuer,
          const char *not_before,
          const char *not_after,
          const char *sha256)
{
  return g_strdup_printf (_("certificate “%s”, issued by “%s”, valid from %s to %s, SHA-256 %s"),
                          subject, issuer, not_before != NULL ? not_before : "?",
                          not_after != NULL ? not_after : "?", sha256);
}

/**
 * np_tls_info_describe:
 * Returns: (transfer full): one line: "TLS 1.3, TLS_AES_256_GCM_SHA384; certificate “CN=…”,
 *   issued by “CN=…”, valid from … to …, SHA-256 …; trusted"
 */
char *
np_tls_info_describe (const NpTlsInfo *info)
{
  g_autofree char *certificate = NULL;

  if (info->subject == NULL)
    return g_strdup_printf (_("%s, %s; no certificate"), info->protocol, info->cipher != NULL ? info->cipher : "?");

  certificate = describe (info->subject, info->issuer, info->not_before, info->not_after, info->sha256);
  return g_strdup_printf ("%s, %s; %s; %s", info->protocol, info->cipher != NULL ? info->cipher : "?",
                          certificate, info->trust);
}

/* A certificate of our own, for the log: subject, issuer, validity, fingerprint. */
char *
np_tls_certificate_describe (GTlsCertificate *certificate)
{
  g_autoptr(NpTlsInfo) info = g_new0 (NpTlsInfo, 1);

  fill_certificate (info, certificate);
  return describe (info->subject, info->issuer, info->not_before, info->not_after, info->sha256);
}
