"""The public portal (群众监督): published notices, unit pages, comments, feeds, anonymous."""
