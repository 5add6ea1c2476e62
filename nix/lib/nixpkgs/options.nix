# Terranix's option set, written for nixpkgs' module system: the top-level
# Terraform blocks as free-form JSON values (resource, data and ephemeral
# with reference functors), _meta, users, provisioner, and the
# backend/remote_state shorthands (terranix/terranix core/terraform-options.nix
# and modules/, reimplemented). A function of lib only: built once per Nix
# process and shared by every workspace.
lib:
let
  inherit (lib) mkOption types;

  # Any JSON value; an attribute set that ends up empty renders as {}.
  json = types.nullOr (types.oneOf [ types.bool types.int types.float types.str (types.attrsOf json) (types.listOf json) ])
    // { description = "bool, int, float or str"; emptyValue.value = { }; };
  block = description: mkOption { type = json; default = { }; inherit description; };

  # config.resource.aws_instance.web "id" == "${aws_instance.web.id}"
  mapAttrsIfSet = f: v: if builtins.isAttrs v then builtins.mapAttrs f v else v;
  withReferences = prefix: description: mkOption {
    type = json;
    default = { };
    inherit description;
    apply = mapAttrsIfSet (type: mapAttrsIfSet (label: v:
      if builtins.isAttrs v then v // { __functor = _: attr: "\${${prefix}${type}.${label}.${attr}}"; } else v));
  };

  str = mkOption { type = types.str; };
  nullableStr = mkOption { type = types.nullOr types.str; default = null; };
  backendTypes = {
    local = types.submodule { options.path = str; };
    s3 = types.submodule { options = { bucket = str; key = str; region = str; }; };
    etcd = types.submodule { options = { path = str; endpoints = str; username = nullableStr; password = nullableStr; }; };
  };
  backendNames = [ "local" "s3" "etcd" ];
in
{
  declarations = {
    _file = "clan-terranix/nix/lib/nixpkgs/options.nix";
    key = "clan-terranix/nix/lib/nixpkgs/options.nix";
    options = {
      _meta = mkOption { type = types.attrsOf types.anything; default = { }; internal = true; description = "Metadata, never rendered."; };
      resource = withReferences "" "Terraform resources.";
      data = withReferences "data." "Terraform data sources.";
      ephemeral = withReferences "ephemeral." "Terraform ephemeral resources.";
      import = block "Terraform import blocks.";
      locals = block "Terraform locals.";
      module = block "Terraform module calls (not Nix modules).";
      output = block "Terraform outputs.";
      provider = block "Terraform provider configurations.";
      terraform = block "The terraform block.";
      variable = block "Terraform input variables.";
      users = mkOption {
        type = types.attrsOf (types.attrsOf (types.submodule { options.publicKey = nullableStr; }));
        default = { };
        description = "users.<group>.<user>.publicKey, for modules that provision servers.";
      };
      provisioner.privateKeyFile = mkOption { type = types.str; description = "SSH key for provisioners."; };
      backend = lib.genAttrs backendNames (n: mkOption { type = types.nullOr backendTypes.${n}; default = null; });
      remote_state = lib.genAttrs backendNames (n: mkOption { type = types.attrsOf backendTypes.${n}; default = { }; });
    };
  };

  # backend.<type> -> terraform.backend.<type>; remote_state.<type>.<name> ->
  # data.terraform_remote_state.<name>; at most one backend, unique names.
  shorthands = lib.setDefaultModuleLocation "clan-terranix/nix/lib/nixpkgs/options.nix" ({ config, ... }:
      let
        backends = map (n: config.backend.${n}) backendNames;
        remoteNames = lib.flatten (map builtins.attrNames (builtins.filter (s: s != { }) (map (n: config.remote_state.${n}) backendNames)));
      in
      {
        config = lib.mkMerge [
          (lib.mkAssert (builtins.length (builtins.filter (b: b != null) backends) < 2) "You defined multiple backends, stick to one!"
            (lib.mkMerge (map (n: lib.mkIf (config.backend.${n} != null) { terraform.backend.${n} = config.backend.${n}; }) backendNames)))
          (lib.mkAssert (builtins.length remoteNames == builtins.length (lib.unique remoteNames)) "You defined multiple terraform_states with the same name!"
            (lib.mkMerge (map (n: lib.mkIf (config.remote_state.${n} != { }) {
              data.terraform_remote_state = builtins.mapAttrs (_: value: { config = value; backend = n; }) config.remote_state.${n};
            }) backendNames)))
        ];
      });
}
