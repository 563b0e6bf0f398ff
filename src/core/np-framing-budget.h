/* np-framing-budget.h: how much framed input all connections of an endpoint may buffer
 *
 * Line and length framing hold a message until it is complete: up to the maximum message size
 * per connection, so 40 connections sending 16 MiB without a delimiter held 661 MB. The
 * endpoint's connections count their framers' memory here. A connection with no room for its
 * next read stops reading (TCP holds its peer back) and calls np_framing_budget_wait(); when
 * room frees up, on_room restarts the paused reads; if none frees up for
 * NP_FRAMING_BUDGET_WAIT_MS, on_stuck drops the connection that buffers the most.
 *
 * Engine thread only.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NP_FRAMING_BUDGET_BYTES    (128 * 1024 * 1024)
#define NP_FRAMING_BUDGET_FACTOR   8      /* or this many maximum-size messages, if more */
#define NP_FRAMING_BUDGET_WAIT_MS  2000

#define NP_TYPE_FRAMING_BUDGET (np_framing_budget_get_type ())

G_DECLARE_FINAL_TYPE (NpFramingBudget, np_framing_budget, NP, FRAMING_BUDGET, GObject)

typedef void (*NpFramingBudgetFunc) (gpointer user_data);

NpFramingBudget *np_framing_budget_new       (gsize                max_message,
                                              NpFramingBudgetFunc  on_room,
                                              NpFramingBudgetFunc  on_stuck,
                                              gpointer             user_data);
gsize            np_framing_budget_get_limit (NpFramingBudget     *self);
gsize            np_framing_budget_get_used  (NpFramingBudget     *self);
gboolean         np_framing_budget_is_full   (NpFramingBudget     *self,
                                              gsize                next_read);
void             np_framing_budget_count     (NpFramingBudget     *self,
                                              gssize               delta);
void             np_framing_budget_wait      (NpFramingBudget     *self);

G_END_DECLS
