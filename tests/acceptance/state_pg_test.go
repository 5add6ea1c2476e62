package acceptance

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// postgres returns the test database's connection string (CLAN_TERRANIX_PG,
// exported by scripts/test). Without it the test is skipped loudly, and under
// CI it fails: there the pg backend must be tested for real.
func postgres(t *testing.T) string {
	t.Helper()
	conn := os.Getenv("CLAN_TERRANIX_PG")
	if conn == "" {
		msg := "!!! CLAN_TERRANIX_PG is not set: the PostgreSQL backend is NOT tested (scripts/test sets it up) !!!"
		if testenv.InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return conn
}

// TestPostgresBackend runs the team backend round trip against PostgreSQL.
func TestPostgresBackend(t *testing.T) {
	conn := postgres(t)
	tc := testenv.Tools(t)
	// Schemas unique to this run: the database outlives it.
	prefix := fmt.Sprintf("ct_test_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		// Best effort: psql comes with the server scripts/test installs.
		drop := fmt.Sprintf(`DROP SCHEMA IF EXISTS "%s_shared" CASCADE; DROP SCHEMA IF EXISTS "%s_m1" CASCADE;`, prefix, prefix)
		if out, err := exec.Command("psql", conn, "-q", "-c", drop).CombinedOutput(); err != nil {
			t.Logf("could not drop the test schemas %s_*: %v %s", prefix, err, out)
		}
	})
	teamBackendRoundTrip(t, tc, teamBackend{
		typ:      "pg",
		settings: `backend = { type = "pg"; config.schema_name = "` + prefix + `"; secrets.PG_CONN_STR.env = "CLAN_TERRANIX_PG"; };`,
		env:      []string{"CLAN_TERRANIX_PG=" + conn},
		where:    func(ws string) string { return fmt.Sprintf(`pg (schema_name "%s_%s")`, prefix, ws) },
	})
}
