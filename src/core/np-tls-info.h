/* np-tls-info.h: what a TLS connection shows a person debugging a device: the protocol, the
 * cipher suite and the peer's certificate (subject, issuer, validity, SHA-256 fingerprint), and
 * whether the certificate is trusted */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NP_TYPE_TLS_INFO (np_tls_info_get_type ())

typedef struct
{
  char *protocol;     /* "TLS 1.3" */
  char *cipher;       /* "TLS_AES_256_GCM_SHA384" */
  /* The peer's certificate; subject NULL: it sent none (a client not asked for one) */
  char *subject;
  char *issuer;
  char *not_before;   /* ISO 8601, UTC */
  char *not_after;
  char *sha256;       /* "AB:CD:…", 32 bytes */
  char *trust;        /* "trusted", or why not (it was accepted anyway: accept any certificate) */
} NpTlsInfo;

GType      np_tls_info_get_type        (void) G_GNUC_CONST;
NpTlsInfo *np_tls_info_new             (GTlsConnection       *connection);
NpTlsInfo *np_tls_info_copy            (const NpTlsInfo      *info);
void       np_tls_info_free            (NpTlsInfo            *info);
char      *np_tls_info_describe        (const NpTlsInfo      *info);

char      *np_tls_describe_errors      (GTlsCertificateFlags  errors);
char      *np_tls_certificate_sha256   (GTlsCertificate      *certificate);
char      *np_tls_certificate_describe (GTlsCertificate      *certificate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpTlsInfo, np_tls_info_free)

G_END_DECLS
