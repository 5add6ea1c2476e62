# mkIf, mkMerge, mkDefault, mkForce, mkOverride from our lib.
{ lib, config, ... }: {
  imports = [
    { output.forced.value = lib.mkForce "forced"; }
    { output.default.value = lib.mkDefault "default"; }
    { output.override.value = lib.mkOverride 900 "override-900"; }
  ];
  output.forced.value = "normal";
  output.default.value = "normal";
  output.override.value = lib.mkDefault "default-1000";
  variable.region.default = "eu";
  resource = lib.mkMerge [
    (lib.mkIf (config.variable ? region) { terraform_data.if_true.input = 1; })
    (lib.mkIf false { terraform_data.if_false.input = 1; })
    { terraform_data.merged.input = lib.mkIf true "yes"; terraform_data.merged.dropped = lib.mkIf false "no"; }
  ];
  locals.list = [ (lib.mkIf false "gone") "kept" ];
}
