"""The demo and its simulated world: a population of candidates who answer (or not), a
clock the caller drives, a local SMTP server that keeps every message, sample files and
emails. Tests and benchmarks use it too; the product (mentorat, flows, tasks) never does."""
