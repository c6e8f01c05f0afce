"""The domain: tasks, units, owners, deadlines and statuses as values and pure rules. No I/O."""
