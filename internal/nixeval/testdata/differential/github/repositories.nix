# In the style of terranix-module-github, written with plain attrsets: repositories, teams, branch protection.
{ config, lib, ... }:
let
  repos = {
    infra = { description = "Infrastructure"; topics = [ "nix" "terraform" ]; protected = true; };
    website = { description = "Website"; topics = [ "web" ]; protected = false; };
  };
  teams = { admins = [ "alice" ]; devs = [ "bob" "carol" ]; };
in
{
  provider.github.owner = "example-org";
  resource.github_repository = lib.mapAttrs (name: r: {
    inherit name;
    inherit (r) description topics;
    visibility = "public";
    has_issues = true;
    delete_branch_on_merge = true;
  }) repos;
  resource.github_branch_protection = lib.mapAttrs' (name: _: lib.nameValuePair "${name}_main" {
    repository_id = config.resource.github_repository.${name} "node_id";
    pattern = "main";
    required_pull_request_reviews = [ { required_approving_review_count = 1; } ];
  }) (lib.filterAttrs (_: r: r.protected) repos);
  resource.github_team = lib.mapAttrs (name: _: { inherit name; privacy = "closed"; }) teams;
  resource.github_team_membership = lib.listToAttrs (lib.concatLists (lib.mapAttrsToList (team: members:
    map (m: lib.nameValuePair "${team}_${m}" { team_id = config.resource.github_team.${team} "id"; username = m; role = "member"; }) members) teams));
}
