package run

import "context"

// Prep gets a workspace ready for its job: in clan-terranix the lock, the
// work dir and `tofu init`, none of which needs what its prerequisites
// produce. With it, every job is preceded by its preparation, and a
// workspace may be prepared ahead of its turn once its prerequisites are
// prepared: while `shared` applies, the first machines initialise in the
// slots nothing else may use yet, and they plan the moment it is done.
// (`shared` prepared first also means its init is the first of its provider
// set, whose lock file the machines' inits then share.)
//
// The scheduler calls it once per workspace: in the job's slot right before
// the job (ahead false), or ahead, in a slot of its own (ahead true), for a
// workspace whose every prerequisite is prepared and running or succeeded
// (the next wave, not the whole graph), only while nothing ready waits for a
// slot and fewer than Parallelism prepared workspaces wait for their turn,
// and never once the run stops. The job of a workspace prepared ahead
// starts only after its preparation returned, and takes over its slot. When
// the job never runs (a prerequisite failed, the run was interrupted) the
// caller releases what the preparation holds.
type Prep func(ctx context.Context, workspace string, ahead bool)

type prepState int

const (
	unprepared prepState = iota
	preparing
	prepared
)

// nextToPrepare returns the first workspace in order that is not prepared
// and waits only on prepared prerequisites that run or succeeded; -1 if
// there is none.
func (s *schedule) nextToPrepare() int {
	waiting := 0 // prepared ahead, turn not come
	for i := range s.order {
		if s.state[i] == pending && s.prep[i] != unprepared {
			waiting++
		}
	}
	if waiting >= s.parallelism { // enough to fill every slot when their turn comes
		return -1
	}
	for i := range s.order {
		if s.state[i] != pending || s.prep[i] != unprepared || s.waitingOn[i] == 0 {
			continue
		}
		if s.prereqsUnderway(i) {
			return i
		}
	}
	return -1
}

func (s *schedule) prereqsUnderway(i int) bool {
	for _, p := range s.prereqs[i] {
		switch {
		case s.prep[p] != prepared:
			return false
		case s.state[p] == running:
		case s.state[p] == ended && s.results[p].Status.Succeeded():
		default:
			return false
		}
	}
	return true
}

func (s *schedule) startPreparing(ctx context.Context, i int, done chan<- finished) {
	s.prep[i] = preparing
	name := s.order[i]
	go func() {
		s.runPrepare(ctx, name, true)
		done <- finished{index: i, prepared: true, ahead: true}
	}()
}

func (s *schedule) runPrepare(ctx context.Context, name string, ahead bool) {
	defer func() {
		_ = recover() // a broken preparation leaves the job to do the work itself
	}()
	s.prepare(ctx, name, ahead)
}
