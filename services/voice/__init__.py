"""Voice: agents on the PBX, their states, queues and coaching."""
