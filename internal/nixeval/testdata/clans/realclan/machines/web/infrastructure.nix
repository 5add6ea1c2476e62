{ resource.null_resource.web = { }; }
