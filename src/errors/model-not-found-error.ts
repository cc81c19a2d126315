import { FlexiAIError } from './flexiai-error.js';

/** The requested model names no route, provider or configured model. No upstream call was made. */
export class ModelNotFoundError extends FlexiAIError {
  static override readonly errorName: string = 'ModelNotFoundError';
  readonly model: string;

  constructor(model: string, known: readonly string[]) {
    const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ');
    super(
      'model_not_found',
      `Unknown model "${model}": not a route, provider name or configured model id (known: ${list})`,
    );
    this.model = model;
  }

  protected override details(): Record<string, unknown> {
    return { model: this.model };
  }
}
