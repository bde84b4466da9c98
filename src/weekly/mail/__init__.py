"""Mail an edition: read recipients, build one message each, deliver with a ledger."""
