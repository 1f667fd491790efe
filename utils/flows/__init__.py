"""Flows: business steps that do I/O but own no collection. They combine the collection owners
(utils/<collection>.py), send mail, check the database, seed it at start-up."""
