/* session_pipe.h - pipelining bookkeeping: which commands went out
 * together in one write, which were answered, and naming a server
 * that mishandles commands sent together.  Tags are numbers here:
 * "A12" is 12. */
#ifndef IMAPCONN_SESSION_PIPE_H
#define IMAPCONN_SESSION_PIPE_H

#include <stdbool.h>
#include <stddef.h>

struct session;

#define SESS_PIPE_DONE 64
#define SESS_PIPE_SENT 16
struct session_sent {
	unsigned long num;
	char verb[16];			/* "LOGIN", for naming waits */
};
struct session_pipe {
	bool off;			/* one command per round trip */
	bool used;			/* a write carried several */
	unsigned long behind_lo;	/* tags sent behind another in */
	unsigned long behind_hi;	/* the last such write; 0: none */
	unsigned long done[SESS_PIPE_DONE];	/* completions read */
	size_t ndone;
	struct session_sent sent[SESS_PIPE_SENT];	/* the last commands */
	size_t nsent;
	size_t since_done;		/* responses since a completion */
};

/* A command about to go out: its tag and transcript text ("A3 LOGIN
 * <user> <password>"), so that a wait can name what it waits for. */
void session_pipe_record(struct session *s, const char *tag,
			 const char *shown);
/* Commands from tag first to tag last went out in one write. */
void session_pipe_together(struct session *s, const char *first,
			   const char *last);
/* "the reply to LOGIN (A3)" for the command sent with tag. */
void session_pipe_awaited(const struct session *s, const char *tag,
			  char *buf, size_t cap);
/* A tagged reply came while waiting for awaited: 0 it is the one, 1 it
 * completes an abandoned earlier command (skip it), -1 the server
 * misbehaved (s->fail set: class FAIL_PIPELINING when this connection
 * sent commands together, else FAIL_PROTOCOL). */
int session_pipe_tagged(struct session *s, const char *tag,
			const char *awaited);
/* An untagged response was read. */
void session_pipe_untagged(struct session *s);
/* The wait for awaited timed out (s->fail): name the command, and
 * call it the server's pipelining when a command sent behind another
 * in one write got nothing while the one before it was answered. */
void session_pipe_timed_out(struct session *s, const char *awaited);
/* Forget everything but the mode, for a new connection. */
void session_pipe_reset(struct session_pipe *p);

#endif
