// Which operation a paced run sends next: a new message, or every so often an edit of an earlier
// one (to exercise the change path of roomEvents). Each message is edited at most once, and only
// after every subscriber has it: a MESSAGE_ADDED event may carry the message in a later state,
// so an edit racing its own message's delivery would take that delivery's text.

export interface EditTarget {
  readonly messageId: string;
  /** The numbered send that created the message. */
  readonly seq: number;
}

export class MessageMix {
  private operations = 0;
  private readonly sent: EditTarget[] = [];

  /** @param sendsPerEdit new messages between two edits; null: new messages only */
  constructor(private readonly sendsPerEdit: number | null) {}

  /** Whether the message ids of sends are needed (answers are parsed only then). */
  get edits(): boolean {
    return this.sendsPerEdit !== null;
  }

  /** The next operation: null for a new message, else the message to edit (the first sent since the last edit). */
  next(): EditTarget | null {
    const every = this.sendsPerEdit;
    const index = this.operations++;
    if (every === null || index % (every + 1) !== every) return null;
    return this.sent[this.sent.length - every]!;
  }

  /** Records a new message the mix may edit later. */
  sentMessage(target: EditTarget): void {
    this.sent.push(target);
  }
}
