#define G_LOG_DOMAIN "np-tls"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <time.h>

#include "np-error.h"
#include "np-tls-certificate.h"
#include "np-tls-info.h"

/* GIO can load certificates but not make them; glib-networking's own backend, GnuTLS, can. The
 * key is RSA-2048 rather than an elliptic curve: small TLS stacks in devices (mbed TLS, wolfSSL
 * builds) are often built with RSA only. */
#define KEY_BITS        2048
#define VALID_DAYS      (5 * 365)
/* A certificate that ends within this many days is made anew. */
#define RENEW_DAYS      30

static gboolean
gnutls_failed (int      code,
               GError **error)
{
  if (code >= 0)
    return FALSE;

  g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Cannot make a certificate: %s"), gnutls_strerror (code));
  return TRUE;
}

static gboolean
add_ip (gnutls_x509_crt_t certificate,
        const char       *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  return gnutls_x509_crt_set_subject_alt_name (certificate, GNUTLS_SAN_IPADDRESS, g_inet_address_to_bytes (address),
                                               g_inet_address_get_native_size (address), GNUTLS_FSAN_APPEND) >= 0;
}

/* A self-signed server certificate for this host: localhost, the host name, 127.0.0.1 and ::1. */
static gboolean
make_self_signed (GBytes **certificate_pem,
                  GBytes **key_pem,
                  GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t certificate = NULL;
  gnutls_datum_t certificate_out = { NULL, 0 };
  gnutls_datum_t key_out = { NULL, 0 };
  const char *host = g_get_host_name ();
  g_autofree char *dn = g_strdup_printf ("O=Netpoke (self-signed),CN=Netpoke on %s", host);
  guint8 serial[16];
  time_t now = time (NULL);
  gboolean ok = FALSE;

  if (gnutls_failed (gnutls_x509_privkey_init (&key), error)
      || gnutls_failed (gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, KEY_BITS, 0), error)
      || gnutls_failed (gnutls_x509_crt_init (&certificate), error))
    goto out;

  /* A positive 128-bit serial, random: no two of them alike, as RFC 5280 asks. */
  if (gnutls_failed (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), error))
    goto out;
  serial[0] &= 0x7f;

  if (gnutls_failed (gnutls_x509_crt_set_version (certificate, 3), error)
      || gnutls_failed (gnutls_x509_crt_set_serial (certificate, serial, sizeof serial), error)
      || gnutls_failed (gnutls_x509_crt_set_activation_time (certificate, now - 60 * 60), error)
      || gnutls_failed (gnutls_x509_crt_set_expiration_time (certificate, now + (time_t) VALID_DAYS * 24 * 60 * 60), error)
      || gnutls_failed (gnutls_x509_crt_set_dn (certificate, dn, NULL), error)
      || gnutls_failed (gnutls_x509_crt_set_key (certificate, key), error)
      || gnutls_failed (gnutls_x509_crt_set_basic_constraints (certificate, 0, -1), error)
      || gnutls_failed (gnutls_x509_crt_set_key_usage (certificate, GNUTLS_KEY_DIGITAL_SIGNATURE
                                                                    | GNUTLS_KEY_KEY_ENCIPHERMENT), error)
      || gnutls_failed (gnutls_x509_crt_set_key_purpose_oid (certificate, GNUTLS_KP_TLS_WWW_SERVER, 0), error)
      || gnutls_failed (gnutls_x509_crt_set_subject_alt_name (certificate, GNUTLS_SAN_DNSNAME, "localhost",
                                                              strlen ("localhost"), GNUTLS_FSAN_APPEND), error)
      || gnutls_failed (gnutls_x509_crt_set_subject_alt_name (certificate, GNUTLS_SAN_DNSNAME, host, strlen (host),
                                                              GNUTLS_FSAN_APPEND), error))
    goto out;
  if (!add_ip (certificate, "127.0.0.1") || !add_ip (certificate, "::1"))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Cannot make a certificate: %s"),
                   gnutls_strerror (GNUTLS_E_INTERNAL_ERROR));
      goto out;
    }

  if (gnutls_failed (gnutls_x509_crt_sign2 (certificate, certificate, key, GNUTLS_DIG_SHA256, 0), error)
      || gnutls_failed (gnutls_x509_crt_export2 (certificate, GNUTLS_X509_FMT_PEM, &certificate_out), error)
      || gnutls_failed (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &key_out), error))
    goto out;

  *certificate_pem = g_bytes_new (certificate_out.data, certificate_out.size);
  *key_pem = g_bytes_new (key_out.data, key_out.size);
  ok = TRUE;

out:
  gnutls_free (certificate_out.data);
  if (key_out.data != NULL)
    gnutls_memset (key_out.data, 0, key_out.size);
  gnutls_free (key_out.data);
  if (certificate != NULL)
    gnutls_x509_crt_deinit (certificate);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return ok;
}

/* Whether the certificate at @path loads and is good for another RENEW_DAYS. */
static gboolean
still_good (const char *certificate,
            const char *key)
{
  g_autoptr(GTlsCertificate) loaded = g_tls_certificate_new_from_files (certificate, key, NULL);
  g_autoptr(GDateTime) not_after = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_days (now, RENEW_DAYS);

  if (loaded == NULL)
    return FALSE;

  g_object_get (loaded, "not-valid-after", &not_after, NULL);
  return not_after != NULL && g_date_time_compare (not_after, soon) > 0;
}

/**
 * np_tls_self_signed_files:
 * @certificate: (out) (transfer full): the PEM file of the certificate
 * @key: (out) (transfer full): the PEM file of its key (readable by the user only)
 * @made: (out) (optional): whether it was made just now
 *
 * Netpoke's own server certificate, in $XDG_DATA_HOME/netpoke/tls (the Flatpak's data folder in
 * the sandbox): made the first time, kept, and made anew when it is about to expire.
 */
gboolean
np_tls_self_signed_files (char     **certificate,
                          char     **key,
                          gboolean  *made,
                          GError   **error)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "netpoke", "tls", NULL);
  g_autofree char *certificate_path = g_build_filename (folder, "self-signed.crt", NULL);
  g_autofree char *key_path = g_build_filename (folder, "self-signed.key", NULL);
  g_autoptr(GBytes) certificate_pem = NULL;
  g_autoptr(GBytes) key_pem = NULL;

  if (made != NULL)
    *made = FALSE;

  if (!still_good (certificate_path, key_path))
    {
      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), _("Cannot create %s: %s"), folder,
                       g_strerror (saved_errno));
          return FALSE;
        }
      if (!make_self_signed (&certificate_pem, &key_pem, error))
        return FALSE;
      /* The key first, private: a certificate without its key would look good to still_good. */
      if (!g_file_set_contents_full (key_path, g_bytes_get_data (key_pem, NULL), g_bytes_get_size (key_pem),
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)
          || !g_file_set_contents_full (certificate_path, g_bytes_get_data (certificate_pem, NULL),
                                        g_bytes_get_size (certificate_pem), G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                        error))
        return FALSE;
      if (made != NULL)
        *made = TRUE;
    }

  *certificate = g_steal_pointer (&certificate_path);
  *key = g_steal_pointer (&key_path);
  return TRUE;
}

/**
 * np_tls_server_certificate:
 * @notice: (out) (transfer full): for the log: which certificate, its details and fingerprint
 *
 * Returns: (transfer full) (nullable): the configuration's certificate and key, or Netpoke's
 *   own; %NULL with @error saying which file and why
 */
GTlsCertificate *
np_tls_server_certificate (const NpEndpointConfig  *config,
                           char                   **notice,
                           GError                 **error)
{
  g_autofree char *certificate_path = g_strdup (config->tls_certificate);
  g_autofree char *key_path = g_strdup (config->tls_key != NULL ? config->tls_key : config->tls_certificate);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *details = NULL;
  gboolean made = FALSE;

  if (certificate_path == NULL && !np_tls_self_signed_files (&certificate_path, &key_path, &made, error))
    return NULL;

  certificate = g_tls_certificate_new_from_files (certificate_path, key_path, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, _("Cannot use the certificate %s with the key %s: %s"),
                   certificate_path, key_path, local_error->message);
      return NULL;
    }

  details = np_tls_certificate_describe (certificate);
  if (config->tls_certificate != NULL)
    *notice = g_strdup_printf (_("TLS with %s (from %s)"), details, certificate_path);
  else if (made)
    *notice = g_strdup_printf (_("TLS with Netpoke’s own %s, made now and kept in %s"), details, certificate_path);
  else
    *notice = g_strdup_printf (_("TLS with Netpoke’s own %s, kept in %s"), details, certificate_path);

  return g_steal_pointer (&certificate);
}
