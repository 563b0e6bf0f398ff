#define G_LOG_DOMAIN "np-framing-budget"

#include "np-framing-budget.h"

struct _NpFramingBudget
{
  GObject              parent_instance;

  gsize                limit;
  gsize                used;
  gsize                last_read;  /* the read size last asked about: "full" means no room for it */
  GSource             *wait;       /* armed only while a connection waits for room */
  NpFramingBudgetFunc  on_room;
  NpFramingBudgetFunc  on_stuck;
  gpointer             user_data;
};

G_DEFINE_FINAL_TYPE (NpFramingBudget, np_framing_budget, G_TYPE_OBJECT)

static void
clear_wait (NpFramingBudget *self)
{
  if (self->wait != NULL)
    {
      g_source_destroy (self->wait);
      g_clear_pointer (&self->wait, g_source_unref);
    }
}

static void
np_framing_budget_finalize (GObject *object)
{
  clear_wait (NP_FRAMING_BUDGET (object));

  G_OBJECT_CLASS (np_framing_budget_parent_class)->finalize (object);
}

static void
np_framing_budget_class_init (NpFramingBudgetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_framing_budget_finalize;
}

static void
np_framing_budget_init (NpFramingBudget *self)
{
}

/**
 * np_framing_budget_new:
 * @max_message: the endpoint's largest message: the budget is NP_FRAMING_BUDGET_BYTES or
 *   NP_FRAMING_BUDGET_FACTOR of these, whichever is more
 * @on_room: called when room frees up after a connection found none
 * @on_stuck: called when no room freed up for NP_FRAMING_BUDGET_WAIT_MS
 */
NpFramingBudget *
np_framing_budget_new (gsize                max_message,
                       NpFramingBudgetFunc  on_room,
                       NpFramingBudgetFunc  on_stuck,
                       gpointer             user_data)
{
  NpFramingBudget *self = g_object_new (NP_TYPE_FRAMING_BUDGET, NULL);

  self->limit = NP_FRAMING_BUDGET_BYTES;
  if (max_message <= G_MAXSIZE / NP_FRAMING_BUDGET_FACTOR)
    self->limit = MAX (self->limit, NP_FRAMING_BUDGET_FACTOR * max_message);
  self->on_room = on_room;
  self->on_stuck = on_stuck;
  self->user_data = user_data;

  return self;
}

gsize
np_framing_budget_get_limit (NpFramingBudget *self)
{
  g_return_val_if_fail (NP_IS_FRAMING_BUDGET (self), 0);

  return self->limit;
}

gsize
np_framing_budget_get_used (NpFramingBudget *self)
{
  g_return_val_if_fail (NP_IS_FRAMING_BUDGET (self), 0);

  return self->used;
}

/* No room for a read of @next_read bytes. */
gboolean
np_framing_budget_is_full (NpFramingBudget *self,
                           gsize            next_read)
{
  g_return_val_if_fail (NP_IS_FRAMING_BUDGET (self), FALSE);

  self->last_read = next_read;
  return self->used + next_read > self->limit;
}

/* A connection's framer memory grew or shrank by @delta. */
void
np_framing_budget_count (NpFramingBudget *self,
                         gssize           delta)
{
  gboolean was_full;

  g_return_if_fail (NP_IS_FRAMING_BUDGET (self));
  g_return_if_fail (delta >= 0 || (gsize) -delta <= self->used);

  was_full = self->used + self->last_read > self->limit;
  self->used += delta;

  if (was_full && self->used + self->last_read <= self->limit)
    {
      clear_wait (self);
      self->on_room (self->user_data);
    }
}

static gboolean
on_wait_over (gpointer user_data)
{
  NpFramingBudget *self = user_data;

  g_clear_pointer (&self->wait, g_source_unref);
  if (self->used + self->last_read > self->limit)
    self->on_stuck (self->user_data);
  /* Whatever was dropped, the paused connections look again. */
  self->on_room (self->user_data);

  return G_SOURCE_REMOVE;
}

/* A connection paused for want of room: the others get NP_FRAMING_BUDGET_WAIT_MS to complete
 * their messages before the largest buffer is dropped. */
void
np_framing_budget_wait (NpFramingBudget *self)
{
  g_return_if_fail (NP_IS_FRAMING_BUDGET (self));

  if (self->wait != NULL)
    return;

  self->wait = g_timeout_source_new (NP_FRAMING_BUDGET_WAIT_MS);
  g_source_set_static_name (self->wait, "[netpoke] framing budget");
  g_source_set_callback (self->wait, on_wait_over, self, NULL);
  g_source_attach (self->wait, g_main_context_get_thread_default ());
}
