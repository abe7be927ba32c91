package remind

import (
	"testing"

	"ptdang/internal/register"
)

// Every deadline Việc cần làm may hold has its words in the reminder.
func TestEveryRegisterDeadlineHasItsReminderWords(t *testing.T) {
	for _, k := range register.ClockKinds {
		if registerDue[k] == "" || k.Label() == "" {
			t.Errorf("deadline %q has no reminder words or label", k)
		}
	}
}
