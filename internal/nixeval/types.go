package nixeval

import "encoding/json"

// Result is what one evaluation of a clan returns: every workspace with its
// generated Terraform JSON, the machines with their tags, and the clan-wide
// settings of the terranix service.
type Result struct {
	Workspaces map[string]Workspace `json:"workspaces"`
	Machines   map[string]Machine   `json:"machines"`
	// Settings are the clan-wide settings: the terranix service instance's
	// infra-manager role settings, decoded by clan.ParseSettings.
	Settings json.RawMessage `json:"settings"`
	Warnings []string        `json:"warnings"`
	// Inventory says where machines, tags, targetHost and service instances
	// came from: InventoryClan (clan-core's evaluated inventory, flake mode
	// with the flake's clan output) or InventoryFiles (read from the files).
	Inventory string `json:"inventory"`
	// Evaluator says which evaluator and which nixpkgs served the run.
	Evaluator EvaluatorInfo `json:"evaluator"`
}

// EvaluatorInfo names the evaluator of a run, for list/status --json.
type EvaluatorInfo struct {
	// Kind is "nixpkgs" (nixpkgs' module system) or "builtins" (the
	// builtins-only fallback).
	Kind string `json:"kind"`
	// Nixpkgs is the directory whose lib was used, "" for builtins.
	Nixpkgs string `json:"nixpkgs,omitempty"`
	// Version is nixpkgs' lib.version.
	Version string `json:"version,omitempty"`
	// Source says how it was found: "--nixpkgs", "flake.lock", "NIX_PATH"
	// or "flake" (the clan flake's own lib in flake mode).
	Source string `json:"source,omitempty"`
}

// Values of Result.Inventory.
const (
	InventoryClan  = "clan"
	InventoryFiles = "files"
)

// Workspace is one evaluated Terranix configuration.
type Workspace struct {
	Kind      string   `json:"kind"` // "shared" or "machine"
	Machine   string   `json:"machine,omitempty"`
	Tags      []string `json:"tags"`
	DependsOn []string `json:"dependsOn"`
	// Files are the user's files this workspace was built from, for messages.
	Files []string `json:"files"`
	// Settings are the per-machine terranix settings (targetHost output, install options...).
	Settings map[string]any `json:"settings,omitempty"`
	// Config is the Terraform JSON (Terranix's config.tf.json) before the
	// tool adds backend and remote_state blocks.
	Config json.RawMessage `json:"config"`
}

// Machine is a machine of the clan, with or without infrastructure.
type Machine struct {
	Tags    []string `json:"tags"`
	Enabled bool     `json:"enabled"`
	// TargetHostSetByNix is set when Nix, not inventory.json, gives the
	// machine's address (the clan's inventory defined outside inventory.json,
	// or the NixOS option clan.core.networking.targetHost): write-back to
	// inventory.json must then leave it alone, as the Clan CLI does.
	TargetHostSetByNix bool `json:"targetHostSetByNix"`
	// TargetHost is inventory.machines.<m>.deploy.targetHost as the clan
	// evaluates it ("" when unset).
	TargetHost string `json:"targetHost"`
}
