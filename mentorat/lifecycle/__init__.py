"""The phases of a cohort, each an idempotent `advance(ctx)` that does what `ctx.now` allows.

No Prefect here: tasks/ wraps each phase, flows/ strings them together.
"""
