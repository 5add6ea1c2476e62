# A tiny stand-in for the parts of nixpkgs' lib that the modules under test call.
# nixpkgs cannot be fetched on the test machines, so option declarations are checked
# against this: mkOption returns its arguments tagged as an option, and each type is
# reduced to its name (nested types in brackets) so the tests can compare them.
let
  b = builtins;
  type = name: { inherit name; };
  wrap = name: inner: { name = "${name}(${inner.name})"; };
in
rec {
  mkOption = attrs: attrs // { _type = "option"; };
  mkEnableOption = what: mkOption {
    type = types.bool;
    default = false;
    description = "Whether to enable ${what}.";
  };
  literalExpression = text: { _type = "literalExpression"; inherit text; };
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkDefault = content: { _type = "override"; priority = 1000; inherit content; };
  optionalAttrs = cond: attrs: if cond then attrs else { };
  escapeShellArg = s: "'" + b.replaceStrings [ "'" ] [ "'\\''" ] (b.toString s) + "'";
  hasAttrByPath =
    path: set:
    if path == [ ] then true else b.isAttrs set && set ? ${b.head path} && hasAttrByPath (b.tail path) set.${b.head path};
  getAttrFromPath = path: set: b.foldl' (s: name: s.${name}) set path;
  types = {
    bool = type "bool";
    str = type "str";
    int = type "int";
    path = type "path";
    port = type "port";
    anything = type "anything";
    raw = type "raw";
    deferredModule = type "deferredModule";
    nullOr = wrap "nullOr";
    listOf = wrap "listOf";
    attrsOf = wrap "attrsOf";
    lazyAttrsOf = wrap "lazyAttrsOf";
    either = x: y: { name = "either(${x.name},${y.name})"; };
    enum = values: { name = "enum(${b.concatStringsSep "," values})"; };
  };
}
