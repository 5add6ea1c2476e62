# Entry point of `clan-terranix check` once a check failed: where in the
# user's Nix files the failing attribute paths of one workspace are defined.
# It loads the workspace's module files again, lazily, and walks each path
# down their attribute sets with builtins.unsafeGetAttrPos; values are forced
# only along the path. Kept apart from the evaluator (eval.nix), which never
# pays for positions. Request (JSON): { workspace, files, paths }, paths being
# lists of keys ("[0]" for a list element). Output: per path, the deepest
# definition found ({ file, line, depth }) or null.
{ requestFile, withNulls ? false }:
let
  b = builtins;
  req = b.fromJSON (b.readFile requestFile);
  lib = import ./lib.nix { };
  pkgs = import ./pkgs.nix { inherit lib; };
  unavailable = n: b.throw "clan-terranix: ${n} is not available when looking up positions";
  args = {
    inherit lib pkgs;
    name = req.workspace;
    machine = { name = req.workspace; tags = [ ]; settings = { }; };
    clan = { machines = { }; };
    config = unavailable "config";
    options = { };
    nixosConfig = unavailable "nixosConfig";
  };
  # Call a module function with the arguments it names; an unknown one
  # without a default throws only when used (tryEval catches it).
  call = f:
    if !b.isFunction f then f
    else let formals = b.functionArgs f; in
      if formals == { } then f args
      else f (b.mapAttrs (n: _: args.${n} or (unavailable n)) (b.removeAttrs formals (b.filter (n: formals.${n} && !(args ? ${n})) (b.attrNames formals))));
  isPathLike = m: b.isPath m || (b.isString m && b.substring 0 1 m == "/");
  moduleKeys = [ "imports" "options" "config" "_file" "key" "disabledModules" "meta" "_class" "freeformType" ];

  # Every module reachable from m, as the config attribute sets it defines.
  configsOf = m:
    let
      value = call (if isPathLike m then import (if b.isPath m then m else /. + m) else m);
      isFull = b.isAttrs value && (value ? config || value ? options);
      config = if !b.isAttrs value then { } else if isFull then value.config or { } else b.removeAttrs value moduleKeys;
      imports = if b.isAttrs value && !(value ? _type) then value.imports or [ ] else [ ];
    in
    [ config ] ++ b.concatMap safeConfigs imports;
  safeConfigs = m: let r = b.tryEval (b.seq (configsOf m) (configsOf m)); in if r.success then r.value else [ ];

  # mkIf, mkMerge, mkOverride and mkOrder wrap what they define.
  unwrap = v:
    let t = if b.isAttrs v then v._type or null else null; in
    if t == "if" || t == "override" || t == "order" then unwrap v.content
    else if t == "merge" then b.concatMap unwrap v.contents
    else [ v ];

  deeper = x: y: if x == null then y else if y == null then x else if y.depth > x.depth then y else x;
  index = k: let m = b.match "[[]([0-9]+)[]]" k; in if m == null then null else b.fromJSON (b.head m);

  find = depth: v: path:
    if path == [ ] then null
    else
      let
        k = b.head path;
        rest = b.tail path;
        i = index k;
        inSet = s:
          if !(b.isAttrs s) || !(s ? ${k}) then null
          else
            let pos = b.unsafeGetAttrPos k s;
                here = if pos == null then null else { inherit (pos) file line; depth = depth + 1; };
            in deeper here (b.foldl' deeper null (map (x: find (depth + 1) x rest) (unwrap s.${k})));
        inList = l: if i == null || !(b.isList l) || i >= b.length l then null
          else b.foldl' deeper null (map (x: find (depth + 1) x rest) (unwrap (b.elemAt l i)));
      in
      b.foldl' deeper null (map (s: if b.isList s then inList s else inSet s) (unwrap v));
  safeFind = c: p: let r = b.tryEval (let x = find 0 c p; in b.deepSeq x x); in if r.success then r.value else null;

  configs = b.concatMap safeConfigs req.files;
in
map (p: b.foldl' deeper null (map (c: safeFind c p) configs)) req.paths
