# Terranix's semantics on top of modules.nix: its top-level keys, the
# reference functors of resource/data/ephemeral blocks, the
# backend and remote_state shorthands, null stripping and its
# rendering rules (core/default.nix and core/terraform-options.nix of
# terranix/terranix).
let
  b = builtins;
  markers = import ./markers.nix;
  moduleSystem = import ./modules.nix;

  # Rendered to config.tf.json: Terranix's options (core/terraform-options.nix).
  renderedKeys = [ "data" "ephemeral" "import" "locals" "module" "output" "provider" "resource" "terraform" "variable" ];
  # Types whose empty entries Terranix drops.
  droppedWhenEmpty = [ "data" "ephemeral" "resource" ];
  # Terranix's other options, never rendered. It has no `assertions` or
  # `warnings` (NixOS has): defining them is its error, so ours.
  internalKeys = [ "_meta" "backend" "remote_state" "users" "provisioner" ];
  strippedKeys = [ "_module" "_ref" "__functor" ];

  # As Terranix's mkReferenceableOption: `config.resource.T.L "attr"` is
  # "${T.L.attr}"; the block itself is no string (Nix refuses to coerce it).
  withReference = address: block:
    if b.isAttrs block then block // { __functor = _: attr: "\${${address}.${attr}}"; }
    else block;
  mapAttrsOrSkip = f: v: if b.isAttrs v then b.mapAttrs f v else v;
  typedReferences = prefix: mapAttrsOrSkip (type: mapAttrsOrSkip (label: withReference "${prefix}${type}.${label}"));
  references = {
    resource = typedReferences "";
    data = typedReferences "data.";
    ephemeral = typedReferences "ephemeral.";
  };

  # Terranix's modules/terraform/backends.nix: its three backend types and
  # their submodules' options (str; etcd's username and password nullOr str,
  # default null). Anything else is nixpkgs' error there, so it is ours.
  backendFields = {
    local = { required = [ "path" ]; optional = [ ]; };
    s3 = { required = [ "bucket" "key" "region" ]; optional = [ ]; };
    etcd = { required = [ "path" "endpoints" ]; optional = [ "username" "password" ]; };
  };
  checkedBackend = where: v:
    let
      type = b.elemAt where 1;
      f = backendFields.${type};
      at = b.concatStringsSep "." where;
      extra = b.filter (n: !(b.elem n (f.required ++ f.optional))) (b.attrNames v);
      missing = b.filter (n: !(v ? ${n})) f.required;
      field = n: x:
        if b.isString x || (x == null && b.elem n f.optional) then x
        else b.throw "clan-terranix: the option `${at}.${n}' is not of type `${if b.elem n f.optional then "null or string" else "string"}': Terranix declares it so";
    in
    if b.elemAt where 0 == "backend" && v == null then null
    else if !(b.isAttrs v) then b.throw "clan-terranix: the option `${at}' is not a submodule (an attribute set)"
    else if extra != [ ] then b.throw "clan-terranix: the option `${at}.${b.head extra}' does not exist: Terranix's ${type} backend has ${b.concatStringsSep ", " (f.required ++ f.optional)}"
    else if missing != [ ] then b.throw "clan-terranix: the option `${at}.${b.head missing}' is used but not defined"
    else b.mapAttrs field (b.listToAttrs (map (n: { name = n; value = null; }) f.optional) // v);

  # config.backend and config.remote_state as Terranix's options give them:
  # every backend type present (null, { }), the submodules' fields checked.
  backendTypes = b.attrNames backendFields;
  backendOption = v: b.listToAttrs (map (t: { name = t; value = if v ? ${t} then checkedBackend [ "backend" t ] v.${t} else null; }) backendTypes);
  remoteStateOption = v: b.listToAttrs (map (t: { name = t; value = b.mapAttrs (s: checkedBackend [ "remote_state" t s ]) (v.${t} or { }); }) backendTypes);
  unknownBackend = raw: b.concatMap (key: map (t: "${key}.${t}") (b.filter (t: !(backendFields ? ${t})) (b.attrNames raw.${key}))) [ "backend" "remote_state" ];

  shorthands = { config, ... }:
    let
      inherit (config) backend remote_state;
      backends = b.filter (n: backend.${n} != null) (b.attrNames backend);
      remoteNames = b.concatMap b.attrNames (b.attrValues remote_state);
    in
    {
      terraform = markers.mkIf (backends != [ ])
        (markers.mkAssert (b.length backends < 2) "You defined multiple backends, stick to one!"
          { backend = b.listToAttrs (map (n: { name = n; value = backend.${n}; }) backends); });
      data = markers.mkIf (remoteNames != [ ])
        (markers.mkAssert (b.length remoteNames == b.length (b.attrNames (b.listToAttrs (map (n: { name = n; value = null; }) remoteNames))))
          "You defined multiple terraform_states with the same name!"
          {
            terraform_remote_state = b.foldl' (acc: type: acc // b.mapAttrs (_: value: { config = value; backend = type; }) remote_state.${type}) { }
              (b.attrNames remote_state);
          });
    };

  sanitize = withNulls: v:
    if b.isAttrs v then
      b.mapAttrs (_: sanitize withNulls)
        (b.removeAttrs v (strippedKeys ++ (if withNulls then [ ] else b.filter (n: v.${n} == null) (b.attrNames v))))
    else if b.isList v then map (sanitize withNulls) v
    else v;

  editDistance = x: y:
    let
      xs = b.genList (i: b.substring i 1 x) (b.stringLength x);
      ys = b.genList (i: b.substring i 1 y) (b.stringLength y);
      m = b.length ys;
      min = p: q: if p < q then p else q;
      nextRow = prev: i:
        let row = b.genList (j: if j == 0 then i else
          min (min (b.elemAt prev j + 1) (b.elemAt row (j - 1) + 1))
            (b.elemAt prev (j - 1) + (if b.elemAt xs (i - 1) == b.elemAt ys (j - 1) then 0 else 1))) (m + 1);
        in row;
    in b.elemAt (b.foldl' nextRow (b.genList (j: j) (m + 1)) (b.genList (i: i + 1) (b.length xs))) m;
  closest = key: b.foldl' (best: k: let d = editDistance key k; in if d < best.d then { inherit k d; } else best)
    { k = b.head renderedKeys; d = 1000; } renderedKeys;
in
rec {
  inherit renderedKeys editDistance;

  # modules: root modules; args: module arguments besides config.
  # Returns { config (the Terraform JSON value), warnings, files }.
  eval = { modules, args, withNulls ? false, rootFile ? "<clan-terranix>" }:
    let
      evaluated = moduleSystem.evalModules {
        modules = modules ++ [ shorthands ];
        args = args // {
          inherit config;
          options = moduleSystem.refusal "the module argument `options`" "reading the declared options";
        };
        inherit rootFile;
      };
      merged = evaluated.merged;
      defaults = b.listToAttrs (map (name: { inherit name; value = { }; })
        (renderedKeys ++ [ "_meta" "backend" "remote_state" "users" ])) // {
          provisioner.privateKeyFile = b.throw "clan-terranix: the option `provisioner.privateKeyFile' is used but not defined";
          _module = moduleSystem.refusal "config._module" "reading the module system's own options";
        };
      present = n: v: if b.isAttrs v && v ? __clanTerranixAbsent then defaults.${n} or { } else v;
      raw = defaults // b.mapAttrs present merged;
      asOption = references // { backend = backendOption; remote_state = remoteStateOption; };
      config = b.mapAttrs (n: v: (asOption.${n} or (x: x)) v) raw;

      fileOf = evaluated.positionOf;
      terranixKeys = renderedKeys ++ internalKeys ++ [ "_module" ];
      # Exact or refuse: Terranix's options that are submodules, and _module
      # (its args), need nixpkgs; keys no option declares are Terranix's error.
      refusedKey = b.head (b.filter (n: evaluated.defsByName ? ${n}) [ "_module" "users" "provisioner" ] ++ [ null ]);
      clashing = b.filter (n: b.elem n terranixKeys) evaluated.declared;
      unknown = b.filter (n: !(b.elem n terranixKeys || b.elem n evaluated.declared))
        (b.attrNames evaluated.defsByName);
      valid =
        if refusedKey != null then moduleSystem.refusal (fileOf refusedKey) "the option `${refusedKey}'"
        else if clashing != [ ] then
          let n = b.head clashing; in
          moduleSystem.refusal (b.head (b.filter (m: m.options ? ${n}) evaluated.collected)).file "declaring options below Terranix's own `${n}'"
        else if unknownBackend raw != [ ] then
          let n = b.head (unknownBackend raw); in
          b.throw "clan-terranix: ${fileOf (b.head (b.split "[.]" n))}: the option `${n}' does not exist: Terranix's backends are local, s3 and etcd${if b.substring 0 8 n == "backend." then " (for another one, set terraform.${n})" else ""}"
        else if unknown != [ ] then
          let n = b.head unknown; c = closest n; in
          b.throw "clan-terranix: ${fileOf n}: the top-level key \"${n}\" is no Terranix option (Terranix refuses it too)${if c.d <= 3 then ": did you mean \"${c.k}\"?" else ""}"
        else evaluated.checked;

      rendered =
        let s = sanitize withNulls (b.removeAttrs config ([ "_meta" "_module" ] ++ internalKeys));
        in b.foldl' (acc: key:
          let
            # Terranix strips a null block before it reads the block: its error.
            v0 = if !withNulls && config.${key} == null
              then b.throw "clan-terranix: ${fileOf key}: `${key} = null` fails in Terranix (attribute '${key}' missing once nulls are stripped); leave it out"
              else s.${key};
            v = if b.elem key droppedWhenEmpty && b.isAttrs v0 then b.removeAttrs v0 (b.filter (n: v0.${n} == { }) (b.attrNames v0)) else v0;
          in if v == { } || v == null then acc else acc // { ${key} = v; }) { } renderedKeys;
    in
    {
      inherit config;
      json = assert valid; rendered;
      # Terranix has no warnings option: lib.warn's traces are the warnings.
      warnings = [ ];
      inherit (evaluated) files;
    };
}
