// Answers computed once per (object, question) for as long as the object lives. Kept on the
// message object of one live event or one request, they are shared by everything executing that
// event or request (every local subscriber of the event) and go with it, never outliving it.
export class ObjectMemo<O extends object, V> {
  private readonly answers = new WeakMap<O, Map<string, Promise<V>>>();

  get(owner: O, question: string, answer: () => Promise<V>): Promise<V> {
    let byQuestion = this.answers.get(owner);
    if (!byQuestion) this.answers.set(owner, (byQuestion = new Map()));
    let value = byQuestion.get(question);
    if (!value) {
      value = answer();
      byQuestion.set(question, value);
      // A failed answer is not kept: the next execution asks again.
      value.catch(() => byQuestion.delete(question));
    }
    return value;
  }
}
