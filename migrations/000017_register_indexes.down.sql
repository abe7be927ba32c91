DROP INDEX candidate_step_closing;
