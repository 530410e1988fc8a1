"""The commands that join the stages: validate, explain, and the batch renderer."""
