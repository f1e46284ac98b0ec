// Human-friendly random names ("Imperfect Seat") for anonymous users and unnamed rooms.
import { adjectives, animals, colors, uniqueNamesGenerator } from 'unique-names-generator';

export function randomUserName(): string {
  return uniqueNamesGenerator({ dictionaries: [adjectives, animals], separator: ' ', style: 'capital', length: 2 });
}

export function randomRoomName(): string {
  return uniqueNamesGenerator({ dictionaries: [colors, animals], separator: ' ', style: 'capital', length: 2 });
}
