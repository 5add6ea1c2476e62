{ resource.null_resource.db = { }; }
