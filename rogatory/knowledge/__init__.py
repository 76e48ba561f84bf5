"""The knowledge base: legislation, case law, treaties and UN documents (issue 6)."""
