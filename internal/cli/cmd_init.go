package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/scaffold"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type initOptions struct {
	*GlobalOptions
	Dir      string
	Provider string
	Machine  string
}

var _ = register(newInitCommand)

func newInitCommand(g *GlobalOptions) *cobra.Command {
	opts := &initOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write the plan's layout into a clan (or a new folder), overwriting nothing",
		Long: `Write inventory/services/terranix.nix, inventory/infrastructure/{shared,modules,providers},
inventory/tags/, machines/<machine>/{configuration.nix,infrastructure.nix}, terraform-state/,
modules/terranix/default.nix and scripts/terraform.sh with example resources of the chosen
provider. Files that exist are left alone and listed as skipped. --provider local uses
only providers that run offline, so 'apply --all' works right away.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if opts.ClanDir != "" {
				opts.Dir = opts.ClanDir
			}
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return runInit(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Provider, "provider", "local", "example resources: "+strings.Join(scaffold.ProviderNames(), ", "))
	f.StringVar(&opts.Machine, "machine", "web-server", "name of the example machine")
	return cmd
}

func runInit(opts *initOptions) error {
	res, err := scaffold.Init(scaffold.Options{Dir: opts.Dir, Provider: opts.Provider, Machine: opts.Machine})
	if err != nil {
		return err
	}
	return views.NewInit(views.KindOf(opts.JSON), streams(opts.GlobalOptions)).Scaffolded(opts.Dir, res)
}
