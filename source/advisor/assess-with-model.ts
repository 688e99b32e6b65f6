// One assessment with the configured model as the advisor (`genops-tui assess` with advisor: kind openai): the
// model is asked, checked and governed exactly as in the live engine, and the consultation is in the result.
import type { Assessment, Assessor } from '../domain/assess.js';
import type { OpenAiAdvisorConfig } from '../domain/advisor-config.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import type { AnswerCache } from './llm-advisor.js';
import { llmAdvisorFromConfig } from './from-config.js';

export async function assessWithModel(assessor: Assessor, request: DeploymentRequest, c: OpenAiAdvisorConfig, configFile: string, cache?: AnswerCache): Promise<Assessment> {
  const model = llmAdvisorFromConfig(c, configFile, cache);
  const evaluation = assessor.evaluate(request);
  const consultation = await model.consult(assessor.advisorInput(evaluation));
  const a = assessor.conclude(evaluation, consultation.checked);
  return { ...a, advisor: { ...a.advisor, call: consultation.call } };
}
