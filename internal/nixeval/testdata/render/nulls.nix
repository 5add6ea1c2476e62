{ resource.terraform_data.x = { input = null; triggers_replace = [ null "a" ]; nested.deep = null; }; }
