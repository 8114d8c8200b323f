// \(t) module; filled in by its issue.
