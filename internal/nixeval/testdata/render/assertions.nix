{ config, ... }: {
  assertions = [
    { assertion = config.variable ? region; message = "variable region is required"; }
    { assertion = true; message = "never shown"; }
  ];
  resource.terraform_data.x.input = 1;
}
