"""The letter as a document model, composed from the clause templates."""
