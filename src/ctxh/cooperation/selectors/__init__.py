"""Every read of the cooperation app that pages and the portal share, by area."""
