/* np-framer.h: splits a TCP byte stream into messages, and wraps outgoing payloads
 *
 * raw: each read is a message. line: up to and including the delimiter (default LF, so CRLF
 * lines keep their CR). Length-prefixed: a binary u8/u16/u32 header (big or little endian), or an
 * N-byte ASCII decimal header ("ascii16": the classic "16-byte length, then payload"); the
 * message is the payload without its header.
 *
 * Nothing is dropped: a line longer than the maximum is delivered in maximum-sized pieces; a
 * header that claims more than the maximum is a protocol error (never an allocation), and
 * np_framer_flush() hands back whatever is still buffered when the stream ends.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  NP_FRAMING_RAW,
  NP_FRAMING_LINE,
  NP_FRAMING_ASCII,   /* N-byte ASCII decimal length header */
  NP_FRAMING_U8,
  NP_FRAMING_U16BE,
  NP_FRAMING_U16LE,
  NP_FRAMING_U32BE,
  NP_FRAMING_U32LE,
} NpFramingKind;

#define NP_FRAMER_DEFAULT_MAX_MESSAGE (16 * 1024 * 1024)

#define NP_TYPE_FRAMER (np_framer_get_type ())

G_DECLARE_FINAL_TYPE (NpFramer, np_framer, NP, FRAMER, GObject)

NpFramer      *np_framer_new              (NpFramingKind   kind,
                                           guint           ascii_width);
NpFramer      *np_framer_new_from_string  (const char     *spec,
                                           GError        **error);
NpFramer      *np_framer_copy_settings    (NpFramer       *self);
char          *np_framer_to_string        (NpFramer       *self);
NpFramingKind  np_framer_get_kind         (NpFramer       *self);
void           np_framer_set_delimiter    (NpFramer       *self,
                                           const guint8   *delimiter,
                                           gsize           length);
void           np_framer_set_max_message  (NpFramer       *self,
                                           gsize           max_message);
gsize          np_framer_get_max_message  (NpFramer       *self);
gboolean       np_framer_push             (NpFramer       *self,
                                           const guint8   *data,
                                           gsize           length,
                                           GPtrArray      *messages,
                                           GError        **error);
GBytes        *np_framer_flush            (NpFramer       *self);
gsize          np_framer_get_buffered     (NpFramer       *self);
gsize          np_framer_get_allocated    (NpFramer       *self);
GBytes        *np_framer_header           (NpFramer       *self,
                                           guint64         length,
                                           GError        **error);
GBytes        *np_framer_wrap             (NpFramer       *self,
                                           GBytes         *payload,
                                           GError        **error);

G_END_DECLS
