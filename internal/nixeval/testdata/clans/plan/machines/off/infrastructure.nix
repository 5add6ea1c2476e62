{ resource.terraform_data.never = { input = "x"; }; }
