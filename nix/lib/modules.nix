# Collecting Terranix modules and merging their definitions the way nixpkgs'
# module system does for Terranix's options, with builtins only:
#  - imports are collected breadth first with builtins.genericClosure (one
#    copy per file, like nixpkgs' collectModules) and merged in reverse order,
#    as nixpkgs' evalModules does: that is the list order Terranix produces;
#  - mkIf/mkMerge/mkOverride are pushed down at the top level without
#    evaluating conditions, so `config` can be read inside conditions;
#  - below it, every level discharges conditions, keeps the definitions of the
#    best priority and sorts by mkOrder, then merges: attrsets per attribute,
#    lists concatenated, scalars must agree.
let
  b = builtins;
  markers = import ./markers.nix;

  imap1 = f: list: b.genList (n: f (n + 1) (b.elemAt list n)) (b.length list);
  reverseList = xs: let l = b.length xs; in b.genList (n: b.elemAt xs (l - n - 1)) l;
  show = v:
    if b.isString v then b.toJSON v
    else if b.isAttrs v then "{ ${b.concatStringsSep " " (map (n: "${n} = ...;") (b.attrNames v))} }"
    else if b.isList v then "[ ... ]"
    else if b.isFunction v then "<function>"
    else if v == null then "null"
    else b.toJSON v;
  kindName = v: if b.isAttrs v then "an attribute set" else if b.isList v then "a list"
    else if v == null then "null" else "a ${b.typeOf v}";

  # Call a module function with the arguments it names. An argument we do not
  # have fails only when used, with the module's file in the message.
  callModule = args: file: f:
    if !b.isFunction f then f
    else
      let
        formals = b.functionArgs f;
        unknownWithDefault = b.filter (n: formals.${n} && !(args ? ${n})) (b.attrNames formals);
        wanted = b.removeAttrs formals unknownWithDefault;
      in
      if formals == { } then f args
      else f (b.mapAttrs (n: _: args.${n} or (b.throw "clan-terranix: ${file} asks for the module argument '${n}', which is not available (known: ${b.concatStringsSep ", " (b.attrNames args)})")) wanted);

  isPathLike = m: b.isPath m || (b.isString m && b.substring 0 1 m == "/");

  loadModule = args: parentFile: anonKey: m:
    let
      fromFile = isPathLike m;
      file = if fromFile then b.toString m else parentFile;
      value = callModule args file (if fromFile then import m else m);
      attrs =
        if b.isAttrs value then value
        else b.throw "clan-terranix: the module in ${file} is ${kindName value}, expected an attribute set or a function returning one";
      # A module is either { imports; options; config; } or shorthand, where
      # everything but the module-system keys is config. A bare marker
      # (mkIf/mkMerge at the root) is config.
      isFull = attrs ? config || attrs ? options;
      moduleKeys = [ "imports" "options" "config" "_file" "key" "disabledModules" "meta" "_class" "freeformType" ];
      stray = b.attrNames (b.removeAttrs attrs moduleKeys);
    in
    if isFull && !(attrs ? _type) && stray != [ ] then
      b.throw "clan-terranix: the module in ${file} has `config` or `options` and also the top-level key \"${b.head stray}\": move it under `config` (as in nixpkgs' module system)"
    else
    {
      key = if fromFile then file else anonKey;
      inherit file fromFile;
      imports = if attrs ? _type then [ ] else attrs.imports or [ ];
      options = attrs.options or { };
      config =
        if attrs ? _type then attrs
        else if isFull then attrs.config or { }
        else b.removeAttrs attrs [ "imports" "_file" "key" "disabledModules" "meta" "_class" "freeformType" ];
    };

  absent = { __clanTerranixAbsent = true; };

  pushDown = file: cfg:
    let t = cfg._type or null; in
    if t == "merge" then b.concatMap (pushDown file) cfg.contents
    else if t == "if" then map (b.mapAttrs (_: markers.mkIf cfg.condition)) (pushDown file cfg.content)
    else if t == "override" then map (b.mapAttrs (_: markers.mkOverride cfg.priority)) (pushDown file cfg.content)
    else if b.isAttrs cfg then [ cfg ]
    else b.throw "clan-terranix: the configuration in ${file} is ${kindName cfg}, expected an attribute set";

  discharge = v:
    let t = v._type or null; in
    if t == "merge" then b.concatMap discharge v.contents
    else if t == "if" then
      (if v.condition == true then discharge v.content
      else if v.condition == false then [ ]
      else b.throw "clan-terranix: mkIf called with a non-Boolean condition")
    else [ v ];

  withFile = file: map (value: { inherit file value; });
  priorityOf = d: if (d.value._type or null) == "override" then d.value.priority else 100;
  stripOverride = d:
    if (d.value._type or null) == "override"
    then b.concatMap stripOverride (withFile d.file (discharge d.value.content))
    else [ d ];
  orderOf = d: if (d.value._type or null) == "order" then d.value.priority else 1000;
  stripOrder = d: if (d.value._type or null) == "order" then d // { value = d.value.content; } else d;

  # The definitions of one value that count: conditions true, best priority, mkOrder applied.
  finalDefs = defs:
    let
      discharged = b.concatMap (d: withFile d.file (discharge d.value)) defs;
      best = b.foldl' (acc: d: let p = priorityOf d; in if p < acc then p else acc) 100000 discharged;
      kept = b.concatMap stripOverride (b.filter (d: priorityOf d == best) discharged);
    in
    if b.length discharged == 1 && !b.elem ((b.head discharged).value._type or null) [ "override" "order" ] then discharged
    else if b.any (d: (d.value._type or null) == "order") kept
    then map stripOrder (b.sort (x: y: orderOf x < orderOf y) kept)
    else kept;

  # A block used as a value (`config.resource.x.y`, `config.variable.v`) is its reference string.
  coerce = d: if b.isAttrs d.value && d.value ? __toString then d // { value = b.toString d.value; } else d;

  merge = path: defs0:
    let
      defs = map coerce defs0;
      first = b.head defs;
      kind = b.typeOf first.value;
      mixed = b.filter (d: b.typeOf d.value != kind) defs;
    in
    if defs == [ ] then absent
    else if mixed != [ ] then
      b.throw "clan-terranix: ${path} is ${kindName first.value} in ${first.file} but ${kindName (b.head mixed).value} in ${(b.head mixed).file}"
    else if kind == "set" then mergeAttrs path defs
    else if kind == "list" then b.concatMap (d: mergeList path d) defs
    else if kind == "lambda" then
      b.throw "clan-terranix: ${path} in ${first.file} is a function, not a Terraform value (a missing argument?)"
    else
      let different = b.filter (d: d.value != first.value) defs; in
      if different == [ ] then first.value
      else b.throw "clan-terranix: conflicting values for ${path}: ${show first.value} in ${first.file} and ${show (b.head different).value} in ${(b.head different).file}";

  mergeAttrs = path: defs:
    let
      byName =
        if b.length defs == 1 then
          let d = b.head defs; in b.mapAttrs (_: v: finalDefs [ { inherit (d) file; value = v; } ]) d.value
        else
          b.zipAttrsWith (_: finalDefs) (map (d: b.mapAttrs (_: value: { inherit (d) file; inherit value; }) d.value) defs);
      empty = b.filter (n: byName.${n} == [ ]) (b.attrNames byName);
    in
    b.mapAttrs (n: merge "${path}.${n}") (b.removeAttrs byName empty);

  mergeList = path: d:
    b.concatMap
      (elem:
        let v = merge "${path}[]" (finalDefs [ { inherit (d) file; value = elem; } ]);
        in if b.isAttrs v && v ? __clanTerranixAbsent then [ ] else [ v ])
      d.value;

  # Option declarations of reusable modules: their defaults become definitions
  # of the lowest priority, as in nixpkgs; their types are not checked.
  optionDefaults = opts:
    if (opts._type or null) == "option" then
      (if opts ? default then markers.mkOptionDefault opts.default else markers.mkMerge [ ])
    else if b.isAttrs opts then b.mapAttrs (_: optionDefaults) opts
    else markers.mkMerge [ ];
in
{
  inherit absent merge finalDefs reverseList imap1 kindName callModule discharge;

  # modules: the roots (paths, attrsets or functions). Returns the collected
  # modules and the merged top-level definitions, `merged.<key>` being lazy.
  evalModules = { modules, args, rootFile ? "<clan-terranix>" }:
    let
      collected = b.genericClosure {
        startSet = imap1 (n: loadModule args rootFile "${rootFile}:${b.toString n}") modules;
        operator = item: imap1 (n: loadModule args item.file "${item.key}:anon-${b.toString n}") item.imports;
      };
      ordered = reverseList collected;
      defsOf = m: withFile m.file (pushDown m.file m.config ++ [ (optionDefaults m.options) ]);
      defsByName = b.zipAttrsWith (_: ds: ds)
        (b.concatMap (d: if d.value == { } then [ ] else [ (b.mapAttrs (_: value: { inherit (d) file; inherit value; }) d.value) ]) (b.concatMap defsOf ordered));
    in
    {
      inherit collected defsByName;
      declared = b.concatMap (m: b.attrNames m.options) collected;
      files = map (m: m.file) (b.filter (m: m.fromFile) collected);
      merged = b.mapAttrs (n: defs: merge n (finalDefs defs)) defsByName;
    };
}
