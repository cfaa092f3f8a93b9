package check

import "testing"

// closed reports whether ch is closed.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestOthersDone(t *testing.T) {
	t.Run("closes when the other checks are done", func(t *testing.T) {
		r := &Run{}
		r.BeginConcurrent(3)
		done, release := (&C{run: r}).OthersDone()
		defer release()
		r.EndConcurrent()
		if closed(done) {
			t.Fatal("closed with one other check still running")
		}
		r.EndConcurrent()
		if !closed(done) {
			t.Fatal("not closed when every other check finished")
		}
	})
	t.Run("a lingering check that ends first does not count", func(t *testing.T) {
		r := &Run{}
		r.BeginConcurrent(4)
		_, release := (&C{run: r}).OthersDone()
		release()
		r.EndConcurrent() // the first lingering check itself
		done, release2 := (&C{run: r}).OthersDone()
		defer release2()
		r.EndConcurrent()
		if closed(done) {
			t.Fatal("closed although the fourth check is still running")
		}
		r.EndConcurrent()
		if !closed(done) {
			t.Fatal("not closed at the end")
		}
	})
	t.Run("never closes for a check started alone", func(t *testing.T) {
		alone := &Run{}
		alone.BeginConcurrent(1)
		done, release := (&C{run: alone}).OthersDone()
		defer release()
		if closed(done) {
			t.Error("closed although no other check runs")
		}
	})
	t.Run("closed at once outside a concurrent phase", func(t *testing.T) {
		outside, release := (&C{run: &Run{}}).OthersDone()
		defer release()
		if !closed(outside) {
			t.Error("open outside a concurrent phase: a caller that announced nothing would wait the whole window")
		}
	})
}
